"""Lesson: students join the class here; the teacher opens it, leads the plan, pauses, asks and reveals,
and projects the class's snapshots."""

import streamlit as st

from mnistlab.store import StoreUnavailable
from mnistlab.store.classroom import UnknownClass
from mnistlab.ui import classroom, classroom_teacher, identity, keys, sidebar

settings = sidebar.settings()
room = classroom.room()
st.title("Lesson")
identity.show_notices(identity.shared_store())
if room is None:
    st.stop()
token = classroom_teacher.teacher_gate()
if token is None:
    sidebar.explain(
        "Type the class code shown on the projector and a name (or leave it empty for a nickname). "
        "While you are in the class your page follows the teacher's, and you can send your setting."
    )
    classroom_teacher.join_section(room)
    st.stop()

code = classroom_teacher.class_section(room, token, settings.presenter)
if code is None:
    st.stop()
try:
    state = room.poll(code, None)
    names_on = room.names_on_projector()
except (UnknownClass, StoreUnavailable) as exc:
    st.error(str(exc))
    st.session_state.pop(keys.CLASS_LEAD, None)
    st.stop()

classroom_teacher.controls_section(room, token, state)
classroom_teacher.members_section(room, token, code, settings.presenter, names_on)
st.header("Lesson plan")
step = classroom_teacher.lesson_section(room, token, state)
classroom_teacher.predict_section(room, token, state, step, settings.dataset)
# Snapshots are for discussion: "Student n" on any screen unless the teacher turns names on.
classroom_teacher.gallery_section(room, token, code, settings.dataset, names_on)
