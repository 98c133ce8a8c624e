"""Class board: the best result of each task, who got it and how, and the spread of the class's results."""

import streamlit as st

from mnistlab.store import TASKS, NotAllowed, StoreUnavailable
from mnistlab.ui import charts, classroom, identity, sidebar
from mnistlab.views import board as board_views

REFRESH_S = 5

settings = sidebar.settings()
store = identity.shared_store()
st.title("Class board")
sidebar.explain(
    "The best test error of each task in the class, who reached it and with which setting; "
    f'it refreshes every {REFRESH_S} s (pause it in the sidebar). "Open this setting" opens that page '
    "with the same settings. Each task is measured on its own test split."
)
identity.show_notices(store)
if store is None:
    st.stop()
# On the projector the board is for the class: no name form there.
student = identity.current_student(store) if settings.presenter else identity.name_form()
keep = {identity.TOKEN_PARAM: student.token} if student else None


@st.fragment(run_every=sidebar.live_every(REFRESH_S))
def live_board() -> None:
    try:
        best = store.best_per_task(settings.dataset)
        spread = {task: store.best_of_each_student(task, settings.dataset) for task in TASKS}
        open_ = store.submissions_open()
        names = classroom.names_shown(settings.presenter)
    except StoreUnavailable as exc:
        st.warning(f"{exc} The board shows again when it is back.")
        return
    if not open_:
        st.info("Submissions are closed: new runs are kept by their students but not shown here.")
    font = 24 if settings.presenter else 18
    st.html(board_views.best_table_html(best, font_px=font, keep=keep, names=names))
    if any(spread.values()):
        charts.plotly(st, board_views.spread_figure(spread, names=names), key="board-spread")


live_board()

if not settings.presenter:
    with st.expander("Teacher's controls"):
        token = st.text_input(
            "Teacher token",
            type="password",
            key="teacher-token",
            help="The value of MNISTLAB_TEACHER_TOKEN on the server.",
        )
        c1, c2, c3 = st.columns(3)
        hide_id = c3.number_input(
            "Run id to hide (see the plot's labels)", min_value=1, step=1, value=None, key="hide-run"
        )
        try:
            if c1.button("Clear the board", key="clear-board"):
                st.success(f"{store.clear_board(token)} results hidden; students keep them in their Results.")
            now_open = store.submissions_open()
            if c2.button("Close submissions" if now_open else "Open submissions", key="submissions"):
                store.set_submissions(token, not now_open)
                st.rerun()
            if hide_id and c3.button("Hide this entry", key="hide-entry"):
                store.hide(token, int(hide_id))
                st.success(f"Run {int(hide_id)} hidden from the board.")
        except NotAllowed as exc:
            st.error(str(exc))
        except StoreUnavailable as exc:
            st.warning(str(exc))
