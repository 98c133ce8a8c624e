"""The drawing page's pieces: the neighbour vote, the agreement line, the default model's first
training (and its retraining when damaged), and real digits uploaded as pictures."""

import io

import numpy as np
import pytest
from PIL import Image

from mnistlab.data import mnist_style, problems
from mnistlab.models import inference, knn, training, weights
from mnistlab.views import html

NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def vote(label: int, proba=None) -> inference.Prediction:
    return inference.Prediction(label, np.zeros(10) if proba is None else proba)


def test_neighbour_vote_shares_and_ties():
    tied = inference.neighbour_vote(np.array([3, 3, 5, 3, 5, 1, 1, 1, 1, 3]))
    assert tied.label == 1  # 4 votes for 1 and for 3: the smaller class
    np.testing.assert_allclose(tied.proba, [0, 0.4, 0, 0.4, 0, 0.2, 0, 0, 0, 0])
    assert inference.neighbour_vote(np.array([9, 9, 4]), n_classes=10).label == 9


def test_agreement_line():
    assert html.agreement_line({"a": vote(7)}, NAMES) == ""  # one model: nothing to agree on
    agreeing = {"a": vote(7), "b": vote(7), "c": vote(7)}
    assert html.agreement_line(agreeing, NAMES) == "All 3 models agree: seven."
    line = html.agreement_line({"a": vote(7), "b": vote(1), "c": vote(7)}, NAMES)
    assert line == "The models disagree: seven (2), one (1)."


@pytest.fixture
def cheap_default(monkeypatch, tmp_path, mnist_split):
    """A one-epoch linear default model in an empty cache, so its first training takes a second."""
    monkeypatch.setenv("MNISTLAB_CACHE_DIR", str(tmp_path))
    cheap = training.TrainConfig(model="linear", optimizer="sgd", lr=0.1, batch_size=64, epochs=1)
    monkeypatch.setattr(weights, "DEFAULT_CONFIG", cheap)
    small = problems.Split(
        mnist_split.X_train[:3000],
        mnist_split.y_train[:3000],
        mnist_split.X_test[:500],
        mnist_split.y_test[:500],
    )
    return problems.scale(small, dtype=np.float32)


def test_default_model_trains_once_then_loads_and_retrains_when_damaged(cheap_default):
    notes = []

    def progress(message, fraction=None):
        notes.append((message, fraction))

    path = weights.default_model_path("mnist")
    assert not path.exists()
    model, error = weights.default_model("mnist", cheap_default, progress=progress)
    assert notes[0] == ("Training the default model (linear, sgd lr=0.1, batch 64, cpu, fp32, 1 epochs)", 0.0)
    assert notes[-1][1] == 1.0 and path.exists()
    notes.clear()
    loaded, loaded_error = weights.default_model("mnist", cheap_default, progress=progress)
    assert notes == [] and loaded_error == error  # from the cache: no training
    X = cheap_default.X_test[:50]
    np.testing.assert_array_equal(inference.predict_proba(loaded, X), inference.predict_proba(model, X))

    path.write_bytes(b"half a file")
    _, retrained_error = weights.default_model("mnist", cheap_default, progress=progress)
    assert notes[0][0] == "The cached default model is damaged; training it again"
    assert retrained_error == pytest.approx(error)  # the same seeded training
    weights.load_weights(path.read_bytes(), "linear")  # and the file is whole again


def test_uploaded_pictures_of_test_digits_are_read_as_the_originals(mnist_split):
    """Test digits saved as dark-on-light PNGs (a scan, twice the size), uploaded and preprocessed, get the
    same answer from a session's network and from the 10-NN vote as the original images do."""
    scaler = problems.fit_scaler(mnist_split.X_train)
    ten = problems.ten_classes(mnist_split)
    config = training.TrainConfig(model="linear", optimizer="sgd", lr=0.1, batch_size=64, epochs=1)
    network = training.train(config, problems.to_tensors(ten)).model
    index = knn.ExactKNN(10).fit(ten.X_train, ten.y_train)

    def predict(image28: np.ndarray) -> dict[str, int]:
        x = inference.model_input(image28, scaler)
        _, neighbours = index.kneighbors(x, 10)
        return {
            "network": inference.predict_one(network, x).label,
            "10-NN": inference.neighbour_vote(ten.y_train[neighbours[0]]).label,
        }

    right = 0
    for image, label in zip(mnist_split.X_test[:10], mnist_split.y_test[:10], strict=True):
        picture = Image.fromarray(255 - image.reshape(28, 28)).resize((56, 56), Image.Resampling.NEAREST)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        steps = mnist_style.preprocess(mnist_style.ink_from_upload(buffer.getvalue()))
        uploaded, original = predict(steps.image), predict(image.reshape(28, 28))
        assert uploaded == original
        right += sum(v == label for v in uploaded.values())
    assert right >= 18  # both models read (nearly) every one of these digits right
