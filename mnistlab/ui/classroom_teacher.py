"""The Lesson page's sections: a student joins; the teacher opens a class, leads it through a lesson plan,
pauses it, asks and reveals, and projects the class's snapshots anonymised."""

from __future__ import annotations

import contextlib

import streamlit as st

from mnistlab import lessons
from mnistlab.models import classic
from mnistlab.store import BadName, NotAllowed, StoreUnavailable, is_teacher, new_token
from mnistlab.store.classroom import Classroom, ClassState, NotAMember, Snapshot, UnknownClass
from mnistlab.ui import charts, classroom, identity, keys, recipe, shared
from mnistlab.views import classroom as views

REFRESH_S = 3
TEACHER_ERRORS = (NotAllowed, UnknownClass, NotAMember, ValueError, StoreUnavailable)


def key(name: str) -> str:
    return keys.widget(keys.CLASS_WIDGET, name)


def teacher_gate() -> str | None:
    """The teacher's token, checked once per session; None for a student (or a wrong token, said so)."""
    if classroom.teacher_token():
        return classroom.teacher_token()
    with st.expander("I am the teacher"):
        typed = st.text_input(
            "Teacher token", type="password", key=key("token"), help="The value of MNISTLAB_TEACHER_TOKEN."
        )
        if st.button("Unlock the teacher's controls", key=key("unlock")):
            if is_teacher(typed):
                st.session_state[keys.TEACHER_HELD] = typed
                st.rerun()
            st.error("That is not the teacher token: only the teacher can open and lead a class.")
    return None


def join_section(room: Classroom) -> None:
    """A student joins with the code on the projector and a name, or a generated nickname."""
    code = classroom.joined_code()
    if code:
        st.success(f"You are in class **{code}**. Your pages follow the teacher while you use the dashboard.")
        if st.button("Leave the class", key=key("leave")):
            classroom.forget_class()
            st.rerun()
        return
    st.subheader("Join a class")
    if key("code-input") not in st.session_state and st.query_params.get("join"):
        st.session_state[key("code-input")] = st.query_params.get("join")  # from the QR code's link
    c1, c2 = st.columns(2)
    typed = c1.text_input("Class code (on the projector)", max_chars=12, key=key("code-input"))
    name = c2.text_input(
        "Your name (leave empty for a nickname)",
        max_chars=40,
        key=key("name-input"),
        help="Seen by the teacher.",
    )
    if not st.button("Join", key=key("join"), type="primary"):
        return
    token = classroom.student_token() or new_token()
    try:
        member = room.join(typed, token, name or None)
        room.store.set_name(token, member.display_name)
    except (UnknownClass, BadName, NotAllowed) as exc:
        st.error(str(exc))
        return
    except StoreUnavailable as exc:
        st.warning(f"{exc} Try joining again in a moment.")
        return
    st.session_state["student-token"], st.session_state["student-name"] = token, member.display_name
    st.query_params[identity.TOKEN_PARAM] = token
    st.query_params[keys.CLASS] = room.class_info(typed).code
    st.query_params.pop("join", None)
    st.session_state.pop(keys.CLASS_FOLLOWED, None)
    st.rerun()


def class_section(room: Classroom, token: str, presenter: bool) -> str | None:
    """Open a class (or take up one opened earlier); the code, link and QR code large on the projector."""
    code = st.session_state.get(keys.CLASS_LEAD)
    if code is None:
        c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
        try:
            if c1.button("Open a class", key=key("open"), type="primary"):
                st.session_state[keys.CLASS_LEAD] = room.open_class(token).code
                st.rerun()
            earlier = c2.text_input("or take up the class with code", max_chars=12, key=key("resume-code"))
            if c3.button("Take it up", key=key("resume")):
                st.session_state[keys.CLASS_LEAD] = room.class_info(earlier).code
                st.rerun()
        except TEACHER_ERRORS as exc:
            st.error(str(exc))
        return None
    link = join_link(code)
    words, picture = st.columns([3, 2], vertical_alignment="center")
    words.html(views.join_code_html(code, link, font_px=110 if presenter else 72))
    picture.image(views.qr_png(link), width=260 if presenter else 200, caption="Scan to join")
    if not presenter and st.button("Close the class (its code stops working)", key=key("close")):
        with contextlib.suppress(*TEACHER_ERRORS):
            room.close_class(token, code)
        st.session_state.pop(keys.CLASS_LEAD, None)
        st.rerun()
    return code


def join_link(code: str) -> str:
    base = (st.context.url or "").split("?", 1)[0].rstrip("/")
    base = base.rsplit("/", 1)[0] if base.endswith("/lesson") else base
    return f"{base}/lesson?join={code}"


def controls_section(room: Classroom, token: str, state: ClassState) -> None:
    """Pace, pause and names: each switch is stored at once, so every student's page sees it."""
    c1, c2, c3 = st.columns(3)
    try:
        follow = c1.toggle("Students follow me", value=state.paced == "teacher", key=key("paced"))
        if follow != (state.paced == "teacher"):
            room.set_paced(token, state.code, "teacher" if follow else "student")
            st.rerun()
        paused = c2.toggle("Pause the class", value=state.paused, key=key("paused"))
        if paused != state.paused:
            room.set_paused(token, state.code, paused, st.session_state.get(key("message"), ""))
            st.rerun()
        names = c3.toggle("Names on the projector", value=room.names_on_projector(), key=key("names"))
        if names != room.names_on_projector():
            room.set_names_on_projector(token, names)
            st.rerun()
    except TEACHER_ERRORS as exc:
        st.error(str(exc))
    if not paused:
        st.text_input(
            "Message while paused", value="Eyes on the projector", max_chars=200, key=key("message")
        )


def lesson_section(room: Classroom, token: str, state: ClassState) -> lessons.Step | None:
    """The plan's current step, "Next step" moving the class, and how many students are on each step."""
    names = lessons.available()
    chosen = st.selectbox("Lesson plan (lessons/*.toml)", names, key=key("lesson"))
    try:
        lesson = lessons.load_lesson(chosen)
    except lessons.BadLesson as exc:
        st.error(str(exc))
        return None
    step = state.step if state.lesson == lesson.name else None
    b1, b2, b3 = st.columns(3)
    target = None
    if b1.button("Start the lesson" if step is None else "Next step", key=key("next"), type="primary"):
        target = 0 if step is None else min(step + 1, len(lesson.steps) - 1)
    if step is not None and b2.button("Previous step", key=key("previous")):
        target = max(step - 1, 0)
    if step is not None and b3.button("Open this step here", key=key("open-step")):
        classroom.go(lesson.steps[step].page, lesson.steps[step].settings)
    if target is not None:
        chosen_step = lesson.steps[target]
        try:
            room.publish(
                token, state.code, chosen_step.page, chosen_step.settings, lesson=lesson.name, step=target
            )
        except TEACHER_ERRORS as exc:
            st.error(str(exc))
        st.rerun()
    if step is None:
        st.caption(f"{lesson.title}: {len(lesson.steps)} steps. Start it to move the class to the first.")
        return None
    current = lesson.steps[step]
    st.subheader(f"Step {step + 1} of {len(lesson.steps)}: {current.title}")
    if current.question:
        st.markdown(f"### {current.question}")
    step_counts(room, state.code, [s.title for s in lesson.steps], step)
    return current


@st.fragment(run_every=REFRESH_S)
def step_counts(room: Classroom, code: str, titles: list[str], current: int) -> None:
    with contextlib.suppress(StoreUnavailable, UnknownClass):
        st.html(views.step_counts_html(titles, room.step_counts(code), current))


def predict_section(
    room: Classroom, token: str, state: ClassState, step: lessons.Step | None, dataset: str
) -> None:
    """Predict, then reveal: a numeric question, the class's answers pooled, then the measured value."""
    st.header("Predict, then reveal")
    suggested = step.predict if step is not None and step.predict is not None else None
    question = state.question
    if question is None or question.revealed:
        text = st.text_input(
            "A question the class answers with a number",
            value=suggested.text if suggested else "",
            key=key(f"question-{state.step}"),
        )
        unit = st.text_input("Unit", value=suggested.unit if suggested else "", key=key(f"unit-{state.step}"))
        measures = [None, *lessons.MEASURES]
        measure = st.selectbox(
            "Revealed against",
            measures,
            index=measures.index(suggested.measure) if suggested and suggested.measure in measures else 0,
            format_func=lambda m: "a value I type" if m is None else m.replace("_", " "),
            key=key(f"measure-{state.step}"),
        )
        if st.button("Ask the class", key=key("ask")):
            try:
                room.ask(token, state.code, text, unit, measure)
            except TEACHER_ERRORS as exc:
                st.error(str(exc))
            st.rerun()
    if question is None:
        return
    st.markdown(f"### {question.text}")
    pooled_answers(room, state.code, question.id, question.unit, question.truth, question.unit == "C")
    if question.revealed:
        st.success(f"Measured: **{question.truth:g}** {question.unit}. {question.truth_label}")
        return
    typed = None
    if question.measure is None:
        typed = st.number_input("The value to reveal", value=None, format="%g", key=key("truth"))
    if st.button("Reveal", key=key("reveal"), type="primary"):
        try:
            if question.measure is not None:
                with st.spinner("Measuring on the test split..."):
                    measured = measured_value(question.measure, dataset, _pair(state.settings))
                room.reveal(token, state.code, measured.value, measured.label)
            elif typed is None:
                st.error("Type the value to reveal first.")
                return
            else:
                room.reveal(token, state.code, float(typed), "the value the teacher gave")
        except TEACHER_ERRORS as exc:
            st.error(str(exc))
            return
        st.rerun()


@st.cache_data(max_entries=16, show_spinner=False)
def measured_value(measure: str, dataset: str, pair: tuple[int, int]) -> lessons.Measured:
    return lessons.measure(measure, recipe.pair_2d(dataset, pair))


def _pair(settings: dict) -> tuple[int, int]:
    try:
        pair = (int(settings.get("pair-a", 7)), int(settings.get("pair-b", 9)))
    except ValueError:
        return (7, 9)
    return pair if pair[0] != pair[1] else (7, 9)


@st.fragment(run_every=REFRESH_S)
def pooled_answers(
    room: Classroom, code: str, question_id: int, unit: str, truth: float | None, log_x: bool
) -> None:
    try:
        values = room.answers(code, question_id)
    except (StoreUnavailable, UnknownClass) as exc:
        st.warning(str(exc))
        return
    charts.plotly(st, views.answers_figure(values, unit, truth, log_x=log_x), key=key("answers"))


def gallery_section(room: Classroom, token: str, code: str, dataset: str, names_shown: bool) -> None:
    """The class's snapshots as "Student n"; the teacher picks some, orders them, and projects each one
    drawn again from its setting beside the student's numbers."""
    st.header("Snapshots from the class")
    st.button("Look for new snapshots", key=key("snapshots-refresh"))
    try:
        shots = room.snapshots(token, code)
    except TEACHER_ERRORS as exc:
        st.error(str(exc))
        return
    if not shots:
        st.caption('No snapshots yet: students send theirs with "Send my setting to the teacher".')
        return
    by_id = {s.id: s for s in shots}
    picked = [s.id for s in sorted(shots, key=lambda s: s.position) if s.position is not None]
    chosen = st.multiselect(
        "Project these, in this order",
        list(by_id),
        default=picked,
        format_func=lambda i: describe(by_id[i], names_shown),
        key=key("picked"),
    )
    if chosen != picked:
        with contextlib.suppress(*TEACHER_ERRORS):
            room.pick(token, code, chosen)
    if not chosen:
        return
    shown = min(st.session_state.get(keys.CLASS_SHOWN, 0), len(chosen) - 1)
    b1, b2, _ = st.columns([1, 1, 3])
    if b1.button("Previous", key=key("shot-previous"), disabled=shown == 0):
        shown -= 1
    if b2.button("Next", key=key("shot-next"), disabled=shown == len(chosen) - 1):
        shown += 1
    st.session_state[keys.CLASS_SHOWN] = shown
    project(by_id[chosen[shown]], dataset, names_shown, f"{shown + 1} of {len(chosen)}")


def describe(shot: Snapshot, names_shown: bool) -> str:
    who = shot.display_name if names_shown else f"Student {shot.student}"
    error = shot.result.get("test_error_pct")
    numbers = f", test error {error:.2f} %" if isinstance(error, int | float) else ""
    model = shot.result.get("model", "no result yet")
    return f"{who}: {lessons.PAGES.get(shot.page, shot.page)}, {model}{numbers}"


def project(shot: Snapshot, dataset: str, names_shown: bool, where: str) -> None:
    who = shot.display_name if names_shown else f"Student {shot.student}"
    st.subheader(f"{who} ({where})")
    figure_col, numbers_col = st.columns([3, 1])
    with numbers_col:
        result = shot.result
        if isinstance(result.get("test_error_pct"), int | float):
            st.metric(
                "Test error (their run)",
                f"{result['test_error_pct']:.2f} %",
                help=f"{result.get('n_train')} training images",
            )
        if isinstance(result.get("test_nll"), int | float):
            st.metric("Test NLL (sum)", f"{result['test_nll']:,.1f}")
        st.caption(str(result.get("model", "No result on their page yet.")))
    with figure_col:
        choice, pair = choice_of(shot)
        if shot.page == "binary_2d" and choice is not None:
            figure = shared.playground_figure(dataset, pair, choice, "train", 2000, True)
            charts.plotly(st, figure, grow=False, key=key(f"shot-{shot.id}"))
            st.caption(f"Drawn again here from their setting: {choice.describe()}, 2,000 training points.")
        else:
            st.caption("This page's setting opens with the link below (drawn again on that page).")
        st.page_link(classroom.page_file(shot.page), label="Open their setting", query_params=shot.settings)


def choice_of(shot: Snapshot) -> tuple[classic.ModelChoice | None, tuple[int, int]]:
    """The 2-D playground's model from the snapshot's typed knob values (not the URL's spelling)."""
    knobs = shot.knobs
    fields = {
        f: knobs[keys.widget(keys.MODEL, f)]
        for f in classic.ModelChoice.__dataclass_fields__
        if keys.widget(keys.MODEL, f) in knobs
    }
    try:
        choice = classic.ModelChoice(**fields)
        choice.build()  # an unknown family is refused here, not in the figure
        pair = (int(knobs.get("pair-a", 7)), int(knobs.get("pair-b", 9)))
    except (TypeError, ValueError):
        return None, (7, 9)
    return choice, pair if pair[0] != pair[1] else (7, 9)


def members_section(room: Classroom, token: str, code: str, presenter: bool, names_shown: bool) -> None:
    """Who joined: a count on the projector; names only off it, or when the teacher turns them on."""
    try:
        members = room.members(token, code)
    except TEACHER_ERRORS as exc:
        st.error(str(exc))
        return
    st.metric("Students in the class", len(members))
    if presenter and not names_shown:
        st.caption("Names are off the projector (turn them on above).")
        return
    with st.expander(f"Names ({len(members)})"):
        st.dataframe(
            [
                {
                    "number": m.number,
                    "name": m.display_name,
                    "on step": m.step + 1 if m.step is not None else "",
                }
                for m in members
            ],
            hide_index=True,
        )
        c1, c2 = st.columns(2, vertical_alignment="bottom")
        number = c1.number_input(
            "Student number to remove", min_value=1, step=1, value=None, key=key("remove-n")
        )
        if number and c2.button("Remove from the class", key=key("remove")):
            try:
                room.remove(token, code, int(number))
            except TEACHER_ERRORS as exc:
                st.error(str(exc))
                return
            st.rerun()
