"""The dashboard's pages, once: each page's file, its title in the menu, its short name in the Results
table and the class board task its results count for. ``app.py`` builds ``st.navigation`` from this;
a result names its page by ``path``, so no title has to match another."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    path: str  # the file pages/<path>.py and the page's URL path
    title: str  # in the menu
    icon: str
    short: str = ""  # in the Results table's "page" column; the title where empty
    task: str | None = None  # the class board's task its results count for; None: none
    default: bool = False

    @property
    def file(self) -> str:
        return f"pages/{self.path}.py"

    @property
    def name(self) -> str:
        return self.short or self.title


HOME = Page("home", "Overview", ":material/home:", default=True)
DATA = Page("data", "Data and PCA", ":material/scatter_plot:")
BINARY_2D = Page("binary_2d", "Binary 2-D playground", ":material/tune:", "Binary 2-D", "binary_2d")
BINARY_784 = Page("binary_784", "Binary, 784 pixels", ":material/grid_on:", task="binary_784")
MULTICLASS = Page("multiclass", "Ten classes: k-NN and MLP", ":material/speed:", "Ten classes", "ten_classes")
TRAINING = Page("training", "Train with PyTorch", ":material/model_training:", task="ten_classes")
DRAW = Page("draw", "Draw", ":material/draw:")
MISTAKES = Page("mistakes", "Where it goes wrong", ":material/error:")
ROBUSTNESS = Page("robustness", "Fool it, trust it", ":material/shield:")
RESULTS = Page("results", "Results", ":material/table_chart:")
CLASS_BOARD = Page("class_board", "Class board", ":material/leaderboard:")
LESSON = Page("lesson", "Lesson", ":material/co_present:")

PAGES: tuple[Page, ...] = (
    HOME,
    DATA,
    BINARY_2D,
    BINARY_784,
    MULTICLASS,
    TRAINING,
    DRAW,
    MISTAKES,
    ROBUSTNESS,
    RESULTS,
    CLASS_BOARD,
    LESSON,
)
BY_PATH = {page.path: page for page in PAGES}
