from mnistlab.data.latest_input import LatestInput


def test_the_most_recent_input_wins():
    chooser = LatestInput()
    assert chooser.update(canvas=None, upload=None) is None
    assert chooser.update(canvas=None, upload="seven.png") == "upload"
    assert chooser.update(canvas="ink-1", upload="seven.png") == "canvas"  # drawn after the upload
    assert chooser.update(canvas="ink-1", upload="seven.png") == "canvas"  # a rerun changes nothing
    assert chooser.update(canvas="ink-1", upload="four.png") == "upload"  # a new upload
    assert chooser.update(canvas="ink-2", upload="four.png") == "canvas"  # another stroke


def test_clearing_the_latest_input_falls_back_to_the_other():
    chooser = LatestInput()
    chooser.update(canvas="ink", upload=None)
    chooser.update(canvas="ink", upload="seven.png")
    assert chooser.update(canvas="ink", upload=None) == "canvas"
    assert chooser.update(canvas=None, upload=None) is None
