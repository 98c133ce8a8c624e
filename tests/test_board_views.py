"""The class board's table and spread plot: names shown as text, links that open the setting."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from mnistlab.store import BoardEntry
from mnistlab.views import board as board_views

EVIL = "<script>alert('x')</script>&<b>"


def entry(
    task: str, error: float, name: str = "Ada", settings: dict | None = None, run_id: int = 1
) -> BoardEntry:
    return BoardEntry(
        run_id=run_id,
        task=task,
        display_name=name,
        test_error_pct=error,
        model="MLP <200>",
        page="binary_2d",
        settings=settings or {"model-family": "MLP", "model-C": 0.001},
        created_at=0.0,
    )


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.links = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [v for k, v in attrs if k == "href"]

    def handle_data(self, data):
        self.text.append(data)


def test_a_name_with_markup_is_shown_as_text():
    parsed = Collect()
    parsed.feed(board_views.best_table_html([entry("binary_2d", 2.5, EVIL)]))
    assert "script" not in parsed.tags and "b" in parsed.tags  # only the table's own bold
    assert EVIL in "".join(parsed.text) and "MLP <200>" in "".join(parsed.text)


def test_open_this_setting_links_carry_the_settings_and_the_viewers_token():
    settings = {"model-family": "Polynomial logistic regression", "model-degree": 4, "x": "a'&b"}
    parsed = Collect()
    parsed.feed(board_views.best_table_html([entry("binary_2d", 2.5, settings=settings)], keep={"me": "tok"}))
    (link,) = parsed.links
    parts = urlsplit(link)
    assert parts.path == "/binary_2d"
    expected = {
        "model-family": ["Polynomial logistic regression"],
        "model-degree": ["4"],
        "x": ["a'&b"],
        "me": ["tok"],
    }
    assert parse_qs(parts.query) == expected


def test_the_spread_plot_has_every_result_and_marks_the_best():
    results = {
        "binary_2d": [entry("binary_2d", e, EVIL, run_id=i) for i, e in enumerate((3.0, 1.5, 2.25))],
        "cnn": [entry("cnn", 0.8)],
        "ten_classes": [],
    }
    fig = board_views.spread_figure(results)
    assert [len(t.y) for t in fig.data] == [3, 1]
    assert all("<script>" not in h for t in fig.data for h in t.hovertext)
    assert [a.y for a in fig.layout.annotations] == [min((3.0, 1.5, 2.25)), 0.8]


def test_an_empty_board_says_so():
    assert "No results" in board_views.best_table_html([])
