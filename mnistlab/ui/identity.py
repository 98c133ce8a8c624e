"""Who is at this browser: a display name picked on first visit, a token kept in the URL (``me``).

The token is the student's key to their runs (a reload or a bookmark brings them back); the store
keeps only its hash. With the database down the student still gets a token and a name for this
session, and the store writes the name when it is back.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from mnistlab import navigation
from mnistlab.store import BadName, NotAllowed, RunStore, StoreUnavailable, clean_name, engine, new_token
from mnistlab.ui import keys, remember, url_state

TOKEN_PARAM = "me"
url_state.READ_BY_CODE.add(TOKEN_PARAM)


@dataclass(frozen=True)
class Student:
    token: str
    name: str


@st.cache_resource(show_spinner=False)
def _store(url: str) -> RunStore:
    return RunStore(url)


def shared_store() -> RunStore | None:
    """The process's one store (connections are pooled and shared); None with a notice when misconfigured."""
    try:
        return _store(engine.database_url())
    except Exception as exc:  # a malformed MNISTLAB_DATABASE_URL: say so, keep the dashboard usable
        st.error(
            f"Runs cannot be kept: {engine.DATABASE_URL_ENV} is not a usable database URL "
            f"({type(exc).__name__}). The dashboard works without saving runs."
        )
        return None


def show_notices(store: RunStore | None) -> None:
    """What happened to the database (moved aside, upgraded), once per browser session."""
    if store is None:
        return
    seen = st.session_state.setdefault("store-notices-seen", 0)
    for notice in store.notices[seen:]:
        st.warning(notice, icon=":material/database:")
    st.session_state["store-notices-seen"] = len(store.notices)


def current_student(store: RunStore | None) -> Student | None:
    """The student of this browser from the URL's token, or None before they have picked a name."""
    cookie = remember.remembered_token()
    token = st.query_params.get(TOKEN_PARAM) or st.session_state.get("student-token") or cookie
    if not token:
        return None
    known = st.session_state.get("student-name")
    if known is None and store is not None:
        try:
            known = store.name_of(token)
        except NotAllowed:
            st.warning("This link's student token is not valid; pick a name to start again.")
            st.query_params.pop(TOKEN_PARAM, None)
            if token == cookie:
                remember.forget()
            return None
        except StoreUnavailable as exc:
            st.warning(f"{exc} Your earlier runs will show when it is back.")
    if known is None:
        return None
    st.session_state["student-token"], st.session_state["student-name"] = token, known
    st.query_params[TOKEN_PARAM] = token  # keep it in the URL, so a bookmark brings the student back
    return Student(token, known)


def name_picker(store: RunStore | None) -> Student | None:
    """The first-visit form; returns the new student once a valid name is submitted."""
    with st.form("pick-a-name"):
        typed = st.text_input(
            "Your name on the class board",
            max_chars=40,
            key="student-name-input",
            help="Shown to the class as you type it. Bookmark the page's link: it brings your runs back.",
        )
        if not st.form_submit_button("Start"):
            return None
    token = new_token()
    try:
        name = store.set_name(token, typed) if store is not None else clean_name(typed)
    except BadName as exc:
        st.error(str(exc))
        return None
    except StoreUnavailable as exc:
        st.warning(str(exc))
        name = clean_name(typed)
    st.session_state["student-token"], st.session_state["student-name"] = token, name
    st.query_params[TOKEN_PARAM] = token
    return Student(token, name)


def sidebar_identity() -> Student | None:
    """In the sidebar: who this is. No widgets here: drawn by app.py before the navigation, a text input
    and its button did not deliver their values (Streamlit 1.67); the name form lives on the pages."""
    store = shared_store()
    show_notices(store)
    student = current_student(store)
    # The training page's runs in this session's run records (results_log keeps them; it imports this module).
    kept = st.session_state.get(keys.RESULTS_LOG, {}).values()
    trained = sum(r.page == navigation.TRAINING.path for r in kept) if student is None else 0
    with st.sidebar:
        if trained:
            st.warning(
                f"{trained} trained network{'s are' if trained > 1 else ' is'} kept only until this tab "
                "reloads or closes: pick a name on the Results page to keep them.",
                icon=":material/warning:",
            )
        elif student is None:
            st.caption("Pick a name on the Results or Class board page to keep your runs and join the board.")
        elif not st.session_state.get(keys.PRESENTER):  # names stay off the projector
            st.caption(
                f"Signed in as **{student.name}**; this browser remembers you (Results page: forget me)."
            )
        remember.sync(student.token if student else None, unsaved=bool(trained))
    return student


def forget_student() -> None:
    """ "Forget me": this browser no longer opens as this student (their runs stay in the store)."""
    for key in ("student-token", "student-name"):
        st.session_state.pop(key, None)
    st.query_params.pop(TOKEN_PARAM, None)
    remember.forget()


def name_form() -> Student | None:
    """The student, or the first-visit name form on this page (then the page is drawn again with it)."""
    store = shared_store()
    student = current_student(store)
    if student is None and name_picker(store) is not None:
        st.rerun()  # every page element again, with the name and the token in the URL
    if student is not None:
        st.button(
            f"Forget me on this browser ({student.name})",
            key="identity-forget",
            on_click=forget_student,
            help="This browser stops opening as you; your runs stay saved and your link still opens them.",
        )
    return student
