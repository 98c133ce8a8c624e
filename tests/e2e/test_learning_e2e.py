"""Watching it learn in real Chromium: each new view appears, reacts, and is saved as a screenshot
(also in presenter mode at 1280x720, a projector's size)."""

from __future__ import annotations

import re

import pytest

from benchmarks.browser import ARTIFACTS, draw_seven, exceptions, open_page, wait_idle

pytestmark = pytest.mark.e2e


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"learning-{name}.png"), full_page=True)


def to_top(locator) -> None:
    """Scroll so that this element is at the top of the view: the screenshot shows what follows it."""
    locator.first.evaluate("e => e.scrollIntoView({block: 'start'})")
    locator.page.wait_for_timeout(300)


def plot_area(page, index: int):
    """The data area of the index-th plotly chart on the page (where its cells are), scrolled into view."""
    page.locator("[data-testid=stPlotlyChart]").nth(index).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    return page.locator("[data-testid=stPlotlyChart] .nsewdrag").nth(index).bounding_box()


def test_where_it_goes_wrong_cells_open_their_images(server, page):
    open_page(page, server.url, "mistakes")
    page.get_by_text("The most confident mistakes").wait_for()
    # The comparison of two models comes after the galleries, once the second model has classified the
    # test images (on a fresh cache: trained first).
    compared = page.locator("[data-testid=stMetric]", has_text="Only the first right")
    compared.wait_for(timeout=240_000)
    assert exceptions(page) == []
    assert compared.count() == 1
    box = plot_area(page, 1)  # the confusion matrix: 10 x 10 cells, true class 0 on top
    true_c, pred_c = 3, 5
    cell_w, cell_h = box["width"] / 10, box["height"] / 10
    page.mouse.click(box["x"] + (pred_c + 0.5) * cell_w, box["y"] + (true_c + 0.5) * cell_h)
    page.get_by_text(f"True {true_c}, predicted {pred_c}").wait_for(timeout=30_000)
    wait_idle(page)
    assert exceptions(page) == []
    shot(page, "mistakes")


def test_inside_the_network_changes_after_an_epoch(server, page):
    open_page(page, server.url, "training")
    page.get_by_role("combobox", name="Network").click()
    page.get_by_role("option", name="MLP 784-200-100-10, section 5.3").click()
    page.wait_for_timeout(500)
    wait_idle(page)
    slider = page.get_by_role("slider", name="Epochs")
    slider.focus()
    page.keyboard.press("Home")
    wait_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Inside the network, after epoch 1").wait_for(timeout=240_000)
    wait_idle(page)
    assert exceptions(page) == []
    assert page.get_by_text(re.compile(r"block 1: dense 784->200 \+ ReLU")).count() >= 1
    to_top(page.get_by_role("heading", name="Inside the network"))
    shot(page, "inside-mlp")


def a_briefly_trained_cnn(mnist, path) -> None:
    """A CNN after one pass over 3,000 training images: its filters already have some structure."""
    import torch

    from mnistlab.data import problems
    from mnistlab.models import nets, weights

    data = problems.ten_classes(problems.full_split(mnist))
    torch.manual_seed(0)
    model = nets.build("cnn")
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    X, y = torch.tensor(data.X_train[:3000]), torch.tensor(data.y_train[:3000], dtype=torch.long)
    for s in range(0, 3000, 100):
        loss = torch.nn.functional.cross_entropy(model(X[s : s + 100]), y[s : s + 100])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    path.write_bytes(weights.weights_bytes(model))


def test_cnn_filters_and_feature_maps_of_uploaded_weights(server, page, mnist, tmp_path):
    a_briefly_trained_cnn(mnist, tmp_path / "cnn.pt")
    open_page(page, server.url, "training")
    page.get_by_role("combobox", name="Network").click()
    page.get_by_role("option", name="CNN: two 5x5 conv + batch-norm + pool blocks, section 6").click()
    page.wait_for_timeout(500)
    wait_idle(page)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(tmp_path / "cnn.pt"))
    page.get_by_text("Loaded: test error").wait_for(timeout=120_000)
    wait_idle(page)
    number = page.get_by_label("Test image (0-9999)")
    number.fill("7")
    number.press("Enter")
    page.get_by_role("heading", name="Inside the network, as loaded").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_text("The first convolution's 32 filters (5x5)").count() == 1
    assert page.get_by_text(re.compile("block 2: conv 5x5 \\+ batch-norm \\+ ReLU \\+ max-pool")).count() == 1
    assert page.get_by_text("Input: test image 7").count() == 1
    assert exceptions(page) == []
    to_top(page.get_by_role("heading", name="Inside the network, as loaded"))
    shot(page, "inside-cnn")


def test_why_this_answer_for_a_drawn_seven(server, page):
    open_page(page, server.url, "draw")
    page.get_by_text("Draw a digit on the black canvas").wait_for()
    draw_seven(page)
    page.mouse.up()
    page.get_by_role("heading", name="Why this answer").wait_for(timeout=60_000)
    wait_idle(page)
    page.get_by_text("Place the drawing on the network's last hidden layer").click()
    page.get_by_text("the 10,000 test images on the first two principal components").wait_for(timeout=120_000)
    wait_idle(page)
    assert exceptions(page) == []
    to_top(page.get_by_role("heading", name="Why this answer"))
    shot(page, "why-this-answer")


def epochs_trained(page) -> int:
    text = page.locator("[data-testid=stMetric]", has_text="Epochs trained").inner_text()
    return int(re.search(r"(\d+) / \d+", text).group(1))


TITLE_LEGEND_OVERLAPS = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(chart => {
    const title = chart.querySelector('.gtitle'), legend = chart.querySelector('.legend');
    if (!title || !legend) return [];
    const a = title.getBoundingClientRect(), b = legend.getBoundingClientRect();
    const apart = a.bottom <= b.top || b.bottom <= a.top || a.right <= b.left || b.right <= a.left;
    return apart ? [] : [title.textContent];
})"""


def titles_clear_of_legends(page) -> list[str]:
    """The titles of charts whose legend is drawn over the title."""
    return page.evaluate(TITLE_LEGEND_OVERLAPS)


def test_step_by_step_plays_pauses_and_shows_hidden_units(server, page):
    open_page(page, server.url, "binary_2d")
    page.get_by_role("heading", name="Train step by step").scroll_into_view_if_needed()
    play = page.get_by_text("Play", exact=True)
    play.click()
    page.wait_for_function(
        "() => /Epochs trained\\s*([3-9]|\\d\\d+) \\//.test(document.body.innerText)", timeout=120_000
    )
    play.click()  # the switch back off: pause
    step = page.get_by_role("button", name="Step", exact=True)
    step.and_(page.locator(":enabled")).wait_for(timeout=30_000)  # Step is enabled again once paused
    page.wait_for_timeout(1000)  # a tick already on its way when Pause was clicked may still land
    wait_idle(page)
    paused_at = epochs_trained(page)
    assert paused_at >= 3
    page.wait_for_timeout(1500)  # paused: no timer moves it on
    assert epochs_trained(page) == paused_at
    to_top(page.get_by_text("Epoch shown"))
    shot(page, "step-by-step-logistic")
    assert titles_clear_of_legends(page) == []
    page.get_by_text("MLP, one hidden layer").click()
    wait_idle(page)
    for _ in range(2):
        page.get_by_role("button", name="Step", exact=True).click()
        wait_idle(page)
    page.get_by_text(re.compile("What each of the 8 hidden units responds to")).wait_for(timeout=120_000)
    assert exceptions(page) == []
    to_top(page.get_by_text("Epoch shown"))
    shot(page, "step-by-step-mlp")


@pytest.mark.parametrize("path", ["mistakes", "binary_2d"])
def test_presenter_mode_at_projector_size(server, browser, path):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    try:
        open_page(pg, server.url, f"{path}?presenter=true")
        assert exceptions(pg) == []
        if path == "mistakes":
            to_top(pg.get_by_text("Confusion matrix: click a cell"))
        if path == "binary_2d":
            pg.get_by_role("button", name="Step", exact=True).click()
            wait_idle(pg)
            to_top(pg.get_by_role("button", name="Step", exact=True))
        pg.screenshot(path=str(ARTIFACTS / f"learning-presenter-{path}.png"))
        assert exceptions(pg) == []
    finally:
        context.close()
