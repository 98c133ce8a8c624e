"""Lesson plans: ordered steps of a page, its URL settings and a question for the class, in TOML files.

lesson = load_lesson("course")            # lessons/course.toml, the course notebook's exercises
lesson.steps[0].page, lesson.steps[0].settings, lesson.steps[0].question
measure("best_logistic_C", problem)       # the value a "predict, then reveal" question is revealed against

A plan is plain TOML so a teacher can write one in any editor::

    title = "Regularisation in two dimensions"
    [[steps]]
    title = "Exercise 2.2: C"
    page = "binary_2d"                    # a page's URL path (PAGES)
    question = "Where does C start to matter?"
    settings = { "model-family" = "Logistic regression", "model-C" = "0.01" }
    predict = { text = "Which C gives the lowest test error?", unit = "C", measure = "best_logistic_C" }

A file that does not say this is refused with the file, the step and what is wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnistlab.data.problems import Split
from mnistlab.models import classic, metrics, regularisation

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
DEFAULT_LESSON = "course"
# The pages a step may open (their URL paths, as app.py registers them).
PAGES = {
    "": "Overview",
    "data": "Data and PCA",
    "binary_2d": "Binary 2-D playground",
    "binary_784": "Binary, 784 pixels",
    "multiclass": "Ten classes: k-NN and MLP",
    "training": "Train with PyTorch",
    "draw": "Draw",
    "mistakes": "Where it goes wrong",
    "results": "Results",
    "class_board": "Class board",
}
# The playground's C slider: 17 values on a log scale from 1e-4 to 1e4 (exercise 2.2's grid).
C_GRID = tuple(float(f"{c:.4g}") for c in np.logspace(-4, 4, 17))


class BadLesson(ValueError):
    """A lesson file that cannot be read as a plan; the message names the file and the step."""


@dataclass(frozen=True)
class Prediction:
    text: str
    unit: str = ""
    measure: str | None = None  # a key of MEASURES; None: the teacher types the value to reveal


@dataclass(frozen=True)
class Step:
    title: str
    page: str
    settings: dict[str, str] = field(default_factory=dict)
    question: str = ""
    predict: Prediction | None = None

    def __hash__(self) -> int:
        return hash((self.title, self.page, tuple(sorted(self.settings.items())), self.question))


@dataclass(frozen=True)
class Lesson:
    name: str  # the file's stem
    title: str
    steps: tuple[Step, ...]


def available(folder: Path = LESSONS_DIR) -> list[str]:
    """The lesson files' stems, the default one first."""
    names = sorted(p.stem for p in folder.glob("*.toml"))
    return sorted(names, key=lambda n: n != DEFAULT_LESSON)


def load_lesson(name: str = DEFAULT_LESSON, folder: Path = LESSONS_DIR) -> Lesson:
    path = folder / f"{name}.toml"
    if not path.is_file():
        raise BadLesson(f"There is no lesson {name!r} (no file {path.name} in {folder}).")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadLesson(f"{path.name} is not valid TOML: {exc}") from exc
    return parse_lesson(name, raw, path.name)


def parse_lesson(name: str, raw: dict, where: str = "the lesson") -> Lesson:
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise BadLesson(f"{where}: a lesson needs at least one [[steps]] table.")
    return Lesson(
        name=name,
        title=str(raw.get("title") or name),
        steps=tuple(_step(s, f"{where}, step {n}") for n, s in enumerate(steps, start=1)),
    )


def _step(raw: object, where: str) -> Step:
    if not isinstance(raw, dict):
        raise BadLesson(f"{where}: a step is a table with a page, settings and a question.")
    page = raw.get("page")
    if page not in PAGES:
        raise BadLesson(f"{where}: page {page!r} is not one of {sorted(p for p in PAGES if p)} (or '').")
    settings = raw.get("settings", {})
    if not isinstance(settings, dict):
        raise BadLesson(f"{where}: settings must be a table of URL parameters.")
    predict = raw.get("predict")
    prediction = None
    if predict is not None:
        if not isinstance(predict, dict) or not str(predict.get("text", "")).strip():
            raise BadLesson(f"{where}: predict needs a text (the numeric question).")
        chosen = predict.get("measure")
        if chosen is not None and chosen not in MEASURES:
            raise BadLesson(f"{where}: measure {chosen!r} is not one of {sorted(MEASURES)}.")
        prediction = Prediction(str(predict["text"]), str(predict.get("unit", "")), chosen)
    return Step(
        title=str(raw.get("title") or PAGES[page]),
        page=page,
        settings={str(k): _spelled(v) for k, v in settings.items()},
        question=str(raw.get("question", "")),
        predict=prediction,
    )


def _spelled(value: object) -> str:
    # A URL parameter is text; TOML's true/1e-3 are spelled as the page's links spell them.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --- what a "predict, then reveal" question is revealed against --------------------------------------


@dataclass(frozen=True)
class Measured:
    value: float
    label: str  # what was measured, on which split and how many images


def _best_logistic_C(problem: Split) -> Measured:
    sweep = regularisation.c_sweep(problem, C_GRID)
    errors = np.asarray(sweep.test_error_pct)
    best = np.flatnonzero(errors <= errors.min() + 1e-9)
    low, high = C_GRID[best[0]], C_GRID[best[-1]]
    span = f"C = {low:g}" if low == high else f"every C from {low:g} to {high:g}"
    return Measured(
        low,
        f"lowest test error {errors.min():.2f} % ({len(problem.y_test):,} test images), reached at {span}; "
        f"logistic regression on 2 PCA components, the slider's 17 values of C",
    )


def _logistic_test_error(problem: Split) -> Measured:
    model = classic.ModelChoice(family="logistic", C=1.0).build().fit(problem.X_train, problem.y_train)
    error = metrics.error_pct(problem.y_test, model.predict(problem.X_test))
    return Measured(
        error,
        f"test error of logistic regression (C = 1) on 2 PCA components: {error:.2f} % "
        f"of {len(problem.y_test):,} test images",
    )


# Each takes the 2-D binary problem (two PCA components, the pair the class is looking at).
MEASURES: dict[str, Callable[[Split], Measured]] = {
    "best_logistic_C": _best_logistic_C,
    "logistic_test_error_pct": _logistic_test_error,
}


def measure(name: str, problem: Split) -> Measured:
    if name not in MEASURES:
        raise KeyError(f"unknown measure {name!r}; choose from {sorted(MEASURES)}")
    return MEASURES[name](problem)
