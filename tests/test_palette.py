"""The class colours stay apart for colour-blind students, measured with a colour library, not by eye."""

import itertools
import tomllib
from pathlib import Path

import colorspacious
import numpy as np
import pytest

from mnistlab.views import figures

VISIONS = ["protanomaly", "deuteranomaly", "tritanomaly"]


def hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def seen_lab(colours, vision: str | None) -> list[np.ndarray]:
    """CIELab of each colour as seen with ``vision`` (Machado 2009 at full severity), or as it is."""
    out = []
    for colour in colours:
        rgb = hex_rgb(colour)
        if vision is not None:
            space = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
            rgb = np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0, 1)
        out.append(colorspacious.cspace_convert(rgb, "sRGB1", "CIELab"))
    return out


def closest_pair(colours, vision: str | None) -> float:
    lab = seen_lab(colours, vision)
    return min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(lab, 2))


@pytest.mark.parametrize("vision", VISIONS)
def test_every_pair_of_class_colours_stays_apart_for_colour_blind_vision(vision):
    assert len(set(figures.PALETTE)) == 10
    assert closest_pair(figures.PALETTE, vision) >= 15


def test_the_measure_catches_colours_that_merge_for_deuteranopes():
    # The dashboard's first palette: its orange and olive looked alike to a deuteranope (3.6 units).
    merged = ["#e8710a", "#c0a000"]
    assert closest_pair(merged, None) > 25
    assert closest_pair(merged, "deuteranomaly") < 5


def test_classes_use_the_same_ten_colours_and_each_has_its_own_marker():
    assert sorted(figures.CLASS_PALETTE) == sorted(figures.PALETTE)
    assert len(set(figures.CLASS_SYMBOLS)) == 10
    # The default pair's map (7 vs 9) gets the two colours furthest apart for a deuteranope.
    lab = seen_lab(figures.class_colours((7, 9)), "deuteranomaly")
    assert float(np.linalg.norm(lab[0] - lab[1])) > 40


def test_the_theme_charts_in_the_same_colours():
    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["theme"]["chartCategoricalColors"] == figures.PALETTE
