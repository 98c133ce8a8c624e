"""A class session in the run store: a short code, who joined, what the teacher publishes, snapshots, answers.

Everything lives in the database, so every replica sees the same class and a replica that dies loses
nothing: a student's page polls ``poll(code, token)`` every few seconds (one primary-key lookup of the
class joined to the student's own member row) and follows what it says.

room = Classroom(RunStore())
code = room.open_class(teacher_token).code          # shown on the projector with a QR code
room.join(code, student_token, "Ada")               # or name=None: a generated nickname
room.publish(teacher_token, code, "binary_2d", {"model-C": "0.01"})
room.poll(code, student_token)                      # -> ClassState: page, settings, paused, question...

A teacher action without the teacher's token raises NotAllowed; an unknown or expired code raises
UnknownClass; a student who is not (or no longer) in the class raises NotAMember. Nothing is changed then.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from mnistlab.store import identity
from mnistlab.store.runs import RunStore, _setting, plain
from mnistlab.store.schema import answers, board, class_members, classes, snapshots

# No 0/O, 1/I/L: a code read off a projector from the back row is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CLASS_HOURS = 8.0  # a code is valid for a school day, then refused as expired
PACES = ("teacher", "student")
PAUSE_MESSAGE = "Eyes on the projector"
NAMES_KEY = "names_on_projector"  # a board setting: one switch for every page in presenter mode
MESSAGE_MAX_CHARS = 200
QUESTION_MAX_CHARS = 300
# Generated nicknames: two words a class can say aloud (Kahoot's nicknames, without the rude luck).
_ADJECTIVES = [
    "Amber",
    "Brave",
    "Calm",
    "Clever",
    "Cosmic",
    "Daring",
    "Eager",
    "Gentle",
    "Golden",
    "Happy",
    "Jolly",
    "Keen",
    "Lucky",
    "Mellow",
    "Nimble",
    "Quick",
    "Quiet",
    "Rapid",
    "Sunny",
    "Swift",
    "Tidy",
    "Vivid",
    "Witty",
    "Zesty",
]
_ANIMALS = [
    "Badger",
    "Beaver",
    "Bison",
    "Crane",
    "Dolphin",
    "Falcon",
    "Ferret",
    "Gecko",
    "Heron",
    "Ibis",
    "Koala",
    "Lemur",
    "Lynx",
    "Marten",
    "Narwhal",
    "Otter",
    "Owl",
    "Panda",
    "Puffin",
    "Quokka",
    "Raven",
    "Seal",
    "Tapir",
    "Walrus",
    "Wombat",
    "Yak",
]


class UnknownClass(LookupError):
    """A class code that was never opened, or whose class has closed or expired."""


class NotAMember(PermissionError):
    """A student action from someone who has not joined this class (or was removed from it)."""


@dataclass(frozen=True)
class ClassInfo:
    code: str
    opened_at: float
    expires_at: float


@dataclass(frozen=True)
class Question:
    """A numeric question for the class; ``truth`` is the value the dashboard measured, once revealed."""

    id: int
    text: str
    unit: str = ""
    measure: str | None = None  # a key of mnistlab.lessons.MEASURES, or None: the teacher types the value
    revealed: bool = False
    truth: float | None = None
    truth_label: str = ""

    @classmethod
    def from_row(cls, value: Mapping | None) -> Question | None:
        return None if not value else cls(**value)


@dataclass(frozen=True)
class ClassState:
    """What one student's page needs to know, from one query."""

    code: str
    revision: int
    page: str | None
    settings: dict
    paced: str
    paused: bool
    message: str
    lesson: str | None
    step: int | None
    question: Question | None
    member_number: int | None  # None: not (or no longer) in the class
    member_step: int | None


@dataclass(frozen=True)
class Member:
    number: int
    display_name: str  # as typed (cleaned): escape when rendering, and only when names are shown
    joined_at: float
    step: int | None


@dataclass(frozen=True)
class Snapshot:
    id: int
    student: int  # "Student n": n counts the class's senders in the order they first sent
    display_name: str
    page: str
    settings: dict
    knobs: dict  # the knobs' typed values, e.g. {"model-C": 0.001}
    result: dict
    created_at: float
    position: int | None


def nickname() -> str:
    return f"{secrets.choice(_ADJECTIVES)} {secrets.choice(_ANIMALS)}"


def normalise_code(code: str) -> str:
    """What a student typed, as the store keeps it: case and spaces ignored."""
    if not isinstance(code, str):
        raise UnknownClass("Type the class code shown on the projector.")
    cleaned = "".join(code.split()).upper()
    if not cleaned:
        raise UnknownClass("Type the class code shown on the projector.")
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        raise UnknownClass(
            f"'{cleaned[:20]}' is not a class code: codes are {CODE_LENGTH} letters and digits, "
            "as shown on the projector."
        )
    return cleaned


class Classroom:
    """The class-session queries over a RunStore's database (same engine, same schema upgrade)."""

    def __init__(self, store: RunStore):
        self.store = store

    # --- the teacher -----------------------------------------------------------------------------

    def open_class(self, teacher_token: str | None, hours: float = CLASS_HOURS) -> ClassInfo:
        identity.require_teacher(teacher_token)
        now = time.time()

        def change(conn: sa.Connection) -> ClassInfo:
            taken = set(conn.execute(sa.select(classes.c.code)).scalars())
            code = _new_code(taken)
            conn.execute(
                classes.insert().values(
                    code=code,
                    opened_at=now,
                    expires_at=now + hours * 3600,
                    revision=0,
                    page=None,
                    settings={},
                    paced="teacher",
                    paused=False,
                    message=PAUSE_MESSAGE,
                    lesson=None,
                    step=None,
                    question=None,
                )
            )
            return ClassInfo(code, now, now + hours * 3600)

        return self.store._write(change)

    def close_class(self, teacher_token: str | None, code: str) -> None:
        """The code is refused from now on; the class's rows stay (the store keeps what was done)."""
        self._teacher_change(teacher_token, code, expires_at=time.time())

    def class_info(self, code: str) -> ClassInfo:
        code = normalise_code(code)
        row = self.store._read(
            lambda conn: conn.execute(
                sa.select(classes.c.code, classes.c.opened_at, classes.c.expires_at).where(
                    classes.c.code == code
                )
            ).first()
        )
        _require_open(code, row)
        return ClassInfo(**row._mapping)

    def publish(
        self,
        teacher_token: str | None,
        code: str,
        page: str,
        settings: Mapping[str, str],
        *,
        lesson: str | None = None,
        step: int | None = None,
    ) -> bool:
        """The page and URL settings students follow; False (and nothing written) when nothing changed."""
        values: dict[str, Any] = {"page": page, "settings": {str(k): str(v) for k, v in settings.items()}}
        if step is not None:
            values |= {"lesson": lesson, "step": step}
        return self._teacher_change(teacher_token, code, only_if_changed=True, **values)

    def set_paced(self, teacher_token: str | None, code: str, paced: str) -> None:
        if paced not in PACES:
            raise ValueError(f"pace must be one of {PACES}, not {paced!r}")
        self._teacher_change(teacher_token, code, paced=paced)

    def set_paused(self, teacher_token: str | None, code: str, paused: bool, message: str = "") -> None:
        text = " ".join(str(message).split())[:MESSAGE_MAX_CHARS] or PAUSE_MESSAGE
        self._teacher_change(teacher_token, code, paused=bool(paused), message=text)

    def names_on_projector(self) -> bool:
        """Whether names may be shown in presenter mode (the board, the lesson page); off unless turned on."""
        return self.store._read(lambda conn: _setting(conn, NAMES_KEY)) == "shown"

    def set_names_on_projector(self, teacher_token: str | None, shown: bool) -> None:
        identity.require_teacher(teacher_token)
        value = "shown" if shown else "hidden"

        def change(conn: sa.Connection) -> None:
            row = board.c.key == NAMES_KEY
            if conn.execute(board.update().where(row).values(value=value)).rowcount == 0:
                conn.execute(board.insert().values(key=NAMES_KEY, value=value))

        self.store._write(change)

    def remove(self, teacher_token: str | None, code: str, number: int) -> None:
        """Take a student out of the class (their page stops following; their snapshots are kept)."""
        identity.require_teacher(teacher_token)
        code = normalise_code(code)

        def change(conn: sa.Connection) -> None:
            _require_open(code, _class_row(conn, code))
            gone = conn.execute(
                class_members.delete().where(class_members.c.code == code, class_members.c.number == number)
            )
            if gone.rowcount == 0:
                raise NotAMember(f"There is no student {number} in class {code}.")
            _bump(conn, code)

        self.store._write(change)

    def members(self, teacher_token: str | None, code: str) -> list[Member]:
        identity.require_teacher(teacher_token)
        code = normalise_code(code)
        query = (
            sa.select(
                class_members.c.number,
                class_members.c.display_name,
                class_members.c.joined_at,
                class_members.c.step,
            )
            .where(class_members.c.code == code)
            .order_by(class_members.c.number)
        )
        return self.store._read(lambda conn: [Member(**r._mapping) for r in conn.execute(query)])

    def step_counts(self, code: str) -> dict[int | None, int]:
        """How many students are on each lesson step (None: not on a step of the lesson). Counts only."""
        code = normalise_code(code)
        query = (
            sa.select(class_members.c.step, sa.func.count())
            .where(class_members.c.code == code)
            .group_by(class_members.c.step)
        )
        return self.store._read(lambda conn: {step: n for step, n in conn.execute(query)})

    def snapshots(self, teacher_token: str | None, code: str) -> list[Snapshot]:
        """Every snapshot of the class, oldest first, each with its anonymous "Student n"."""
        identity.require_teacher(teacher_token)
        code = normalise_code(code)
        query = (
            sa.select(snapshots, class_members.c.display_name)
            .select_from(
                snapshots.outerjoin(
                    class_members,
                    sa.and_(
                        class_members.c.code == snapshots.c.code, class_members.c.owner == snapshots.c.owner
                    ),
                )
            )
            .where(snapshots.c.code == code)
            .order_by(snapshots.c.created_at, snapshots.c.id)
        )

        def read(conn: sa.Connection) -> list[Snapshot]:
            numbers: dict[str, int] = {}
            found = []
            for row in conn.execute(query):
                n = numbers.setdefault(row.owner, len(numbers) + 1)
                found.append(
                    Snapshot(
                        id=row.id,
                        student=n,
                        display_name=row.display_name or f"Student {n} (left the class)",
                        page=row.page,
                        settings=row.settings,
                        knobs=row._mapping["knobs"],
                        result=row.result,
                        created_at=row.created_at,
                        position=row.position,
                    )
                )
            return found

        return self.store._read(read)

    def pick(self, teacher_token: str | None, code: str, snapshot_ids: Sequence[int]) -> None:
        """The snapshots to project, in this order; the others are unpicked."""
        identity.require_teacher(teacher_token)
        code = normalise_code(code)
        ids = [int(i) for i in snapshot_ids]

        def change(conn: sa.Connection) -> None:
            conn.execute(snapshots.update().where(snapshots.c.code == code).values(position=None))
            for position, snapshot_id in enumerate(ids):
                conn.execute(
                    snapshots.update()
                    .where(snapshots.c.code == code, snapshots.c.id == snapshot_id)
                    .values(position=position)
                )

        self.store._write(change)

    def ask(
        self, teacher_token: str | None, code: str, text: str, unit: str = "", measure: str | None = None
    ) -> Question:
        """Open a numeric question (the previous one, and its answers, stay in the store)."""
        text = " ".join(str(text).split())[:QUESTION_MAX_CHARS]
        if not text:
            raise ValueError("Type the question the class should answer with a number.")
        return self._set_question(
            teacher_token,
            code,
            lambda previous: Question(
                id=(previous.id + 1 if previous else 1), text=text, unit=unit, measure=measure
            ),
        )

    def reveal(self, teacher_token: str | None, code: str, truth: float, label: str = "") -> Question:
        """Show the class the measured value beside their answers; answering closes."""
        if not isinstance(truth, int | float) or not math.isfinite(truth):
            raise ValueError("The revealed value must be a finite number.")

        def revealed(question: Question | None) -> Question:
            if question is None:
                raise ValueError("There is no question to reveal: ask one first.")
            return Question(
                **{**asdict(question), "revealed": True, "truth": float(truth), "truth_label": label}
            )

        return self._set_question(teacher_token, code, revealed)

    def _set_question(
        self, teacher_token: str | None, code: str, make: Callable[[Question | None], Question]
    ) -> Question:
        identity.require_teacher(teacher_token)
        code = normalise_code(code)

        def change(conn: sa.Connection) -> Question:
            row = _class_row(conn, code)
            _require_open(code, row)
            question = make(Question.from_row(row.question))
            conn.execute(
                classes.update()
                .where(classes.c.code == code)
                .values(question=plain(asdict(question)), revision=classes.c.revision + 1)
            )
            return question

        return self.store._write(change)

    def answers(self, code: str, question_id: int) -> list[float]:
        """The class's answers, pooled: numbers only, never who gave them."""
        code = normalise_code(code)
        query = (
            sa.select(answers.c.value)
            .where(answers.c.code == code, answers.c.question == question_id)
            .order_by(answers.c.value)
        )
        return self.store._read(lambda conn: list(conn.execute(query).scalars()))

    # --- the students ----------------------------------------------------------------------------

    def join(self, code: str, token: str, name: str | None = None) -> Member:
        """Join (or rejoin, keeping one's number) with a name, or a generated nickname when none is given."""
        code = normalise_code(code)
        owner = identity.owner_of(token)
        display = identity.clean_name(name) if name and name.strip() else nickname()
        now = time.time()

        def change(conn: sa.Connection) -> Member:
            _require_open(code, _class_row(conn, code))
            mine = sa.and_(class_members.c.code == code, class_members.c.owner == owner)
            row = conn.execute(sa.select(class_members).where(mine)).first()
            if row is not None:
                conn.execute(class_members.update().where(mine).values(display_name=display))
                return Member(row.number, display, row.joined_at, row.step)
            number = (
                conn.execute(
                    sa.select(sa.func.max(class_members.c.number)).where(class_members.c.code == code)
                ).scalar()
                or 0
            ) + 1
            conn.execute(
                class_members.insert().values(
                    code=code, owner=owner, display_name=display, number=number, joined_at=now, step=None
                )
            )
            return Member(number, display, now, None)

        return self.store._write(change)

    def poll(self, code: str, token: str | None) -> ClassState:
        """The one small query every joined page runs every few seconds (token None: the class alone)."""
        code = normalise_code(code)
        owner = identity.owner_of(token) if token is not None else ""
        query = (
            sa.select(
                classes,
                class_members.c.number.label("member_number"),
                class_members.c.step.label("member_step"),
            )
            .select_from(
                classes.outerjoin(
                    class_members,
                    sa.and_(class_members.c.code == classes.c.code, class_members.c.owner == owner),
                )
            )
            .where(classes.c.code == code)
        )
        row = self.store._read(lambda conn: conn.execute(query).first())
        _require_open(code, row)
        return ClassState(
            code=code,
            revision=row.revision,
            page=row.page,
            settings=dict(row.settings or {}),
            paced=row.paced,
            paused=bool(row.paused),
            message=row.message,
            lesson=row.lesson,
            step=row.step,
            question=Question.from_row(row.question),
            member_number=row.member_number,
            member_step=row.member_step,
        )

    def report_step(self, code: str, token: str, step: int | None) -> None:
        code, owner = normalise_code(code), identity.owner_of(token)
        self.store._write(
            lambda conn: conn.execute(
                class_members.update()
                .where(class_members.c.code == code, class_members.c.owner == owner)
                .values(step=step)
            )
        )

    def send_snapshot(
        self,
        code: str,
        token: str,
        page: str,
        settings: Mapping[str, Any],
        knobs: Mapping[str, Any],
        result: Mapping[str, Any],
    ) -> int:
        code, owner = normalise_code(code), identity.owner_of(token)
        row = dict(
            code=code,
            owner=owner,
            page=str(page)[:64],
            settings=plain(dict(settings)),
            knobs=plain(dict(knobs)),
            result=plain(dict(result)),
            created_at=time.time(),
        )

        def change(conn: sa.Connection) -> int:
            _require_open(code, _class_row(conn, code))
            _require_member(conn, code, owner)
            return conn.execute(snapshots.insert().values(**row).returning(snapshots.c.id)).scalar_one()

        return self.store._write(change)

    def answer(self, code: str, token: str, question_id: int, value: float) -> None:
        """A student's answer (a second one replaces the first) while the question is open."""
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError("Your answer must be a number.")
        code, owner = normalise_code(code), identity.owner_of(token)
        now = time.time()

        def change(conn: sa.Connection) -> None:
            row = _class_row(conn, code)
            _require_open(code, row)
            _require_member(conn, code, owner)
            question = Question.from_row(row.question)
            if question is None or question.id != question_id:
                raise ValueError("That question is no longer open; answer the one on your page now.")
            if question.revealed:
                raise ValueError("The answer has been revealed: answering is closed.")
            mine = sa.and_(
                answers.c.code == code, answers.c.question == question_id, answers.c.owner == owner
            )
            if (
                conn.execute(answers.update().where(mine).values(value=float(value), created_at=now)).rowcount
                == 0
            ):
                conn.execute(
                    answers.insert().values(
                        code=code, question=question_id, owner=owner, value=float(value), created_at=now
                    )
                )

        self.store._write(change)

    # --- plumbing --------------------------------------------------------------------------------

    def _teacher_change(
        self, teacher_token: str | None, code: str, only_if_changed: bool = False, **values: Any
    ) -> bool:
        identity.require_teacher(teacher_token)
        code = normalise_code(code)

        def change(conn: sa.Connection) -> bool:
            row = _class_row(conn, code)
            _require_open(code, row)
            if only_if_changed and all(getattr(row, k) == v for k, v in values.items()):
                return False
            conn.execute(
                classes.update()
                .where(classes.c.code == code)
                .values(**values, revision=classes.c.revision + 1)
            )
            return True

        return self.store._write(change)


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def _class_row(conn: sa.Connection, code: str):
    return conn.execute(sa.select(classes).where(classes.c.code == code)).first()


def _require_open(code: str, row) -> None:
    if row is None:
        raise UnknownClass(f"There is no class with the code {code}: check the code on the projector.")
    if row.expires_at <= time.time():
        raise UnknownClass(f"The class {code} has ended; ask your teacher for today's code.")


def _require_member(conn: sa.Connection, code: str, owner: str) -> None:
    found = conn.execute(
        sa.select(class_members.c.number).where(class_members.c.code == code, class_members.c.owner == owner)
    ).first()
    if found is None:
        raise NotAMember(f"You are not in class {code} (or were removed): join it again with its code.")


def _bump(conn: sa.Connection, code: str) -> None:
    conn.execute(classes.update().where(classes.c.code == code).values(revision=classes.c.revision + 1))
