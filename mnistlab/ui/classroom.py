"""The class on every page: a joined student's page follows the teacher, pauses, sends snapshots, answers.

app.py calls ``follow(page)`` once per run. Sessions that joined no class and lead none return at once
(no fragment, no query); a joined page polls its class every FOLLOW_S seconds from a fragment: one small
indexed query (benchmarks.class_load measures its cost). A teacher leading a class publishes the page
and URL settings they are on from the same fragment, written only when they changed.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict

import streamlit as st

from mnistlab import lessons
from mnistlab.store import NotAllowed, StoreUnavailable
from mnistlab.store.classroom import Classroom, ClassState, NotAMember, UnknownClass
from mnistlab.ui import identity, keys, url_state
from mnistlab.views import classroom as views

FOLLOW_S = 3
LESSON_PAGE = "lesson"
# Parameters that belong to this browser, not to the setting the class shares.
PERSONAL = (identity.TOKEN_PARAM, keys.CLASS, keys.PRESENTER)
# The class code is read here, not by a widget: the router must not report it as ignored and drop it.
url_state.READ_BY_CODE.add(keys.CLASS)


@st.cache_resource(show_spinner=False)
def _room(url: str) -> Classroom:
    return Classroom(identity._store(url))


def room() -> Classroom | None:
    store = identity.shared_store()
    return _room(store.url) if store is not None else None


def names_shown(presenter: bool) -> bool:
    """Names appear off the projector; on it (presenter mode) only once the teacher turns them on."""
    if not presenter:
        return True
    classroom = room()
    return classroom is not None and classroom.names_on_projector()


def teacher_token() -> str | None:
    return st.session_state.get(keys.TEACHER_HELD)


def joined_code() -> str | None:
    return st.query_params.get(keys.CLASS) or None


def student_token() -> str | None:
    return st.query_params.get(identity.TOKEN_PARAM) or st.session_state.get("student-token")


def own_settings() -> dict[str, str]:
    """This page's shareable settings: its URL, less what is personal (token, class, presenter mode)."""
    return {k: v for k, v in st.query_params.to_dict().items() if k not in PERSONAL}


def page_file(page: str) -> str:
    return f"pages/{page or 'home'}.py"


def go(page: str, settings: dict[str, str]) -> None:
    """Open ``page`` with ``settings``: every URL-bound knob starts again from the link (a knob kept in the
    session would win over the URL), the personal parameters are kept."""
    for key in list(st.session_state.get(keys.URL_SPELLINGS, {})):
        st.session_state.pop(key, None)
    keep = {k: v for k, v in st.query_params.to_dict().items() if k in PERSONAL}
    st.switch_page(page_file(page), query_params={**settings, **keep})


def follow(page: str) -> None:
    """The hook app.py calls before the page: nothing unless this session is in a class."""
    if teacher_token() and st.session_state.get(keys.CLASS_LEAD):
        if page != LESSON_PAGE:
            _lead(page)
    elif joined_code() and student_token():
        _student(page)


@st.fragment(run_every=FOLLOW_S)
def _lead(page: str) -> None:
    code, classroom = st.session_state[keys.CLASS_LEAD], room()
    if classroom is None:
        return
    shown = (page, own_settings())
    try:
        if st.session_state.get(keys.CLASS_PUBLISHED) != shown:
            state = classroom.poll(code, None)
            if state.paced == "teacher":
                classroom.publish(teacher_token(), code, page, shown[1])
            st.session_state[keys.CLASS_PUBLISHED] = shown
    except (UnknownClass, NotAllowed) as exc:
        st.session_state.pop(keys.CLASS_LEAD, None)
        st.warning(str(exc))
        return
    except StoreUnavailable as exc:
        st.caption(f"{exc} The class follows again when it is back.")
        return
    st.caption(f"You lead class **{code}**: following students see this page and its settings.")


def forget_class() -> None:
    st.query_params.pop(keys.CLASS, None)
    st.session_state.pop(keys.CLASS_FOLLOWED, None)


@st.fragment(run_every=FOLLOW_S)
def _student(page: str) -> None:
    code, token, classroom = joined_code(), student_token(), room()
    if classroom is None or code is None or token is None:
        return
    try:
        state = classroom.poll(code, token)
    except (UnknownClass, NotAllowed) as exc:
        forget_class()
        st.warning(str(exc))
        return
    except StoreUnavailable as exc:
        st.caption(f"{exc} Your page follows the class again when it is back.")
        return
    if state.member_number is None:
        forget_class()
        st.warning(f"You are no longer in class {code}: the teacher removed you. Join again with the code.")
        return
    if state.paused:
        st.html(views.pause_cover_html(state.message))
        return
    shared = (state.page, state.settings)
    if (
        state.page is not None
        and state.paced == "teacher"
        and st.session_state.get(keys.CLASS_FOLLOWED) != shared
    ):
        st.session_state[keys.CLASS_FOLLOWED] = shared
        if state.step is not None and state.member_step != state.step:
            _report_step(classroom, code, token, state.step)
        if (page, own_settings()) != shared:
            go(state.page, state.settings)
    _banner(classroom, state, page, token)


def _report_step(classroom: Classroom, code: str, token: str, step: int | None) -> None:
    with contextlib.suppress(StoreUnavailable):  # a count on the teacher's page: not worth a message here
        classroom.report_step(code, token, step)


def _banner(classroom: Classroom, state: ClassState, page: str, token: str) -> None:
    key = lambda name: keys.widget(keys.CLASS_WIDGET, name)  # noqa: E731
    where = lessons.PAGES.get(state.page or "", state.page or "")
    if state.page is None:
        st.info(f"Class **{state.code}**: you are student {state.member_number}. Waiting for the teacher.")
    elif state.paced == "teacher":
        st.info(f"Class **{state.code}**: following the teacher (**{where}**). Your page moves with theirs.")
    else:
        st.info(f"Class **{state.code}**: student-paced, explore on your own. The teacher is on **{where}**.")
    cols = st.columns(3)
    at_teacher = (page, own_settings()) == (state.page, state.settings)
    if (
        state.page is not None
        and not at_teacher
        and cols[0].button("Back to the teacher's setting", key=key("back"))
    ):
        st.session_state[keys.CLASS_FOLLOWED] = (state.page, state.settings)
        go(state.page, state.settings)
    if page != LESSON_PAGE and cols[1].button("Send my setting to the teacher", key=key("snapshot")):
        _send_snapshot(classroom, state.code, token, page)
    if state.paced == "student" and state.lesson and cols[2].button("My next lesson step", key=key("next")):
        _own_step(classroom, state, token)
    _question(classroom, state, token)


def _send_snapshot(classroom: Classroom, code: str, token: str, page: str) -> None:
    log = st.session_state.get(keys.RESULTS_LOG, {})
    latest = next(reversed(log.values()), None) if log else None
    result = asdict(latest) if latest is not None else {}
    knobs = {
        k: st.session_state[k] for k in st.session_state.get(keys.URL_SPELLINGS, {}) if k in st.session_state
    }
    try:
        classroom.send_snapshot(code, token, page, own_settings(), knobs, result)
    except (UnknownClass, NotAMember, StoreUnavailable) as exc:
        st.error(str(exc))
        return
    st.toast("Sent to the teacher: your setting and your latest result.", icon=":material/send:")


def _own_step(classroom: Classroom, state: ClassState, token: str) -> None:
    try:
        lesson = lessons.load_lesson(state.lesson or lessons.DEFAULT_LESSON)
    except lessons.BadLesson as exc:
        st.error(str(exc))
        return
    mine = state.member_step if state.member_step is not None else (state.step or 0) - 1
    step = min(mine + 1, len(lesson.steps) - 1)
    _report_step(classroom, state.code, token, step)
    go(lesson.steps[step].page, lesson.steps[step].settings)


def _question(classroom: Classroom, state: ClassState, token: str) -> None:
    question = state.question
    if question is None:
        return
    unit = f" ({question.unit})" if question.unit else ""
    if question.revealed:
        st.success(f"**{question.text}** Measured: **{question.truth:g}**{unit}. {question.truth_label}")
        return
    key = lambda name: keys.widget(keys.CLASS_WIDGET, f"{name}-{question.id}")  # noqa: E731
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    value = c1.number_input(f"{question.text}{unit}", value=None, format="%g", key=key("answer"))
    if c2.button("Send my answer", key=key("send")):
        if value is None:
            st.error("Type a number first.")
            return
        try:
            classroom.answer(state.code, token, question.id, float(value))
        except (ValueError, UnknownClass, NotAMember, StoreUnavailable) as exc:
            st.error(str(exc))
            return
        st.toast(
            f"Answer sent: {value:g}. You can change it until the teacher reveals.", icon=":material/check:"
        )
