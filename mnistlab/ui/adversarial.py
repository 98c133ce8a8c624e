"""Fool the model: "make it wrong" for the drawn digit (draw page), and test accuracy against epsilon
for the session's networks beside the published references (robustness page)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
from torch import nn

from mnistlab.models import attacks
from mnistlab.ui import charts, keys, recipe
from mnistlab.ui.networks import with_default as offered_networks
from mnistlab.views import html, robustness

ATTACK = "attack"  # this section's knobs: attack-model, attack-method, attack-target, attack-on
CURVE = "attack-curve"  # the robustness section's knobs and its per-session curves
SPELL = {"fgsm": "FGSM (one step)", "pgd": "iterative (BIM/PGD, 10 steps)"}
ANY = "any other answer"
CURVE_IMAGES = 500  # the first test images: a few seconds per network on two CPU cores


@dataclass(frozen=True)
class AttackChoice:
    model: str
    method: str = "fgsm"
    target: int | None = None  # None: untargeted


def attack_controls(networks: list[str], names) -> AttackChoice:
    left, middle, right = st.columns(3)
    model = left.selectbox("Network to fool", networks, key=keys.widget(ATTACK, "model"))
    method = middle.radio(
        "Attack", list(SPELL), format_func=SPELL.get, horizontal=True, key=keys.widget(ATTACK, "method")
    )
    target = right.selectbox(
        "Make it say",
        [ANY, *range(len(names))],
        format_func=lambda t: t if t == ANY else f"{names[t]}",
        key=keys.widget(ATTACK, "target"),
    )
    return AttackChoice(model, method, None if target == ANY else int(target))


def _linear_weights(net: nn.Module) -> np.ndarray | None:
    """The (10, 784) weights of a network that is one linear layer (softmax regression), else None."""
    layers = [m for m in net.modules() if any(True for _ in m.parameters(recurse=False))]
    if len(layers) == 1 and isinstance(layers[0], nn.Linear) and layers[0].in_features == 784:
        return layers[0].weight.detach().cpu().numpy()
    return None


def make_it_wrong(dataset: str, image28: np.ndarray) -> None:
    """The smallest epsilon that changes the drawn digit's answer, for one network of the session."""
    st.subheader("Make it wrong")
    if not st.toggle(
        "Find the smallest change of the pixels that changes the answer", key=keys.widget(ATTACK, "on")
    ):
        st.caption(
            "An adversarial attack moves every pixel by at most epsilon (on the 0-1 pixel scale), in the "
            "direction that hurts the model most: the sign of the loss's gradient (FGSM, Goodfellow et "
            "al. 2014), or many small such steps (BIM/PGD)."
        )
        return
    names = recipe.dataset(dataset).class_names
    networks = offered_networks(dataset)
    choice = attack_controls(list(networks), names)
    model = attacks.PixelModel(networks[choice.model], recipe.scaler(dataset)).eval()
    pixels = np.asarray(image28, dtype=np.float32).reshape(784) / 255
    label = int(np.argmax(attacks.predict(model, pixels[None])[0]))
    if choice.target == label:
        st.info(f"The network already says {names[label]}: pick another class to aim for.")
        return
    flip = attacks.smallest_flip(model, pixels, label, choice.method, choice.target)
    aim = f"say {names[choice.target]}" if choice.target is not None else f"stop saying {names[label]}"
    if flip.eps is None:
        st.warning(f"No epsilon up to 0.5 makes it {aim} with {SPELL[choice.method]}.")
        return
    st.markdown(
        f"**Smallest epsilon that makes it {aim}: {flip.eps:.2f}** (pixel scale 0-1, tried in steps of "
        f"0.01). It now says **{names[flip.label]}** ({100 * flip.proba[flip.label]:.0f} %)."
    )
    st.html(
        html.image(
            robustness.attack_strip(pixels, flip.image, flip.eps),
            f"Your digit (the network says {names[label]})  ->  the change, magnified (grey: none, "
            f"white: +{flip.eps:.2f}, black: -{flip.eps:.2f})  ->  the attacked digit, as the network "
            f"sees it (it says {names[flip.label]})",
        )
    )
    weights = _linear_weights(networks[choice.model])
    if weights is not None and choice.method == "fgsm":
        # For softmax regression the gradient is a mix of class weight images; for a confident answer
        # it is nearly w(target) - w(answer): the step is that image's sign, whatever the digit.
        towards = choice.target if choice.target is not None else flip.label
        difference = weights[towards] - weights[label]
        moved = flip.image != pixels  # pixels already at 0 or 1 that the step pushes outward stay put
        agree = float(np.mean(np.sign(difference[moved]) == np.sign((flip.image - pixels)[moved])))
        st.html(
            html.image(
                robustness.signed_weights(difference),
                f"A linear model: the weights of {names[towards]} minus those of {names[label]}. FGSM's "
                f"step is epsilon x sign(w): the sign of this image agrees with the step on "
                f"{100 * agree:.0f} % of the pixels. One step along it fools any linear model easily.",
            )
        )


def accuracy_vs_eps(dataset: str) -> None:
    """Test accuracy under FGSM at epsilon 0-0.3 for the session's networks, on the first test images."""
    st.subheader("Accuracy against epsilon")
    networks = offered_networks(dataset)
    picked = st.multiselect(
        "Networks", list(networks), default=list(networks)[:1], key=keys.widget(CURVE, "models")
    )
    method = st.radio(
        "Attack", list(SPELL), format_func=SPELL.get, horizontal=True, key=keys.widget(CURVE, "method")
    )
    kept: dict = st.session_state.setdefault(CURVE, {})
    missing = [label for label in picked if (label, method) not in kept]
    if missing and st.button(
        f"Attack the first {CURVE_IMAGES} test images ({len(missing)} network(s))",
        key=keys.widget(CURVE, "run"),
    ):
        split = recipe.split(dataset)
        pixels = split.X_test[:CURVE_IMAGES] / np.float32(255)
        labels = split.y_test[:CURVE_IMAGES].astype(np.int64)
        bar = st.progress(0.0, "Attacking...")
        for i, label in enumerate(missing):
            model = attacks.PixelModel(networks[label], recipe.scaler(dataset)).eval()
            kept[(label, method)] = attacks.accuracy_curve(
                model,
                pixels,
                labels,
                progress=lambda m, f, i=i, name=label: bar.progress((i + f) / len(missing), f"{name}: {m}"),
            )
        bar.empty()
        missing = []
    shown = {label: kept[(label, method)] for label in picked if (label, method) in kept}
    if not shown:
        st.info("Pick networks and press the button: each takes a few seconds on the server's CPU.")
        return
    charts.plotly(
        st,
        robustness.accuracy_vs_eps_figure(
            shown,
            attacks.PYTORCH_TUTORIAL_FGSM,
            attacks.GOODFELLOW_SOFTMAX_ERROR_PCT,
            f"{SPELL[method]}: accuracy on the first {CURVE_IMAGES} test images (CPU), published references "
            "on all 10,000",
        ),
    )
    st.caption(
        "The references: the PyTorch tutorial 'Adversarial Example Generation' (a LeNet, FGSM) and "
        "Goodfellow et al. 2014 (a shallow softmax misclassifies 99.9 % at epsilon 0.25). The whole test "
        "set: `python -m mnistlab attack --model mlp --json` (and --model logistic, cnn, fast; "
        "--adv-train trains with FGSM images first)."
    )
