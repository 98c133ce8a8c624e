"""Every session-state and widget key, in one place: pages and ui modules name them from here.

Widget keys double as URL query parameters (``bind="query-params"``, or url_state.named() for the
dataset), so they are part of a shared link's format: renaming one breaks old links.
"""

DATASET = "dataset"
PRESENTER = "presenter"
URL_SPELLINGS = "url-spellings"  # widget key -> how the URL spells its value (per session)
URL_DRAWN = "url-drawn"  # the URL-bound widgets one run drew (url_state.drawn)
URL_READERS = "url-readers"  # widget key -> the value each spelling a link may use means (per session)
LIVE_PAUSED = "live-paused"  # the sidebar's "Pause live updates" (per session, not in the URL)
RESULTS_LOG = "results-log"
PINNED = "pinned-results"  # per session: identities of the Results rows pinned for the lesson
PIN_CHOICE = "results-pinned"  # the Results page's "pinned for the lesson" widget
TRAINING_LAB = "training-lab"
SAVED_MODELS = "saved-models"  # run id -> networks rebuilt from the store
MODEL = "model"  # the 2-D playground's model knobs: model-family, model-C, ...
TRAIN = "train"  # the training page's knobs: train-model, train-lr, ...


def widget(group: str, field: str) -> str:
    """The key of one knob of a widget group, e.g. widget(MODEL, "C") == "model-C"."""
    return f"{group}-{field}"


def step(slider_key: str, direction: str) -> str:
    """The key of a slider's one-step button ("down" or "up"), e.g. step("model-C", "up")."""
    return f"{slider_key}-step-{direction}"


def job(kind: str, *parts) -> str:
    """The session key of one piece of long work (a grid, a curve, a training) and its settings."""
    return "-".join([kind, *map(str, parts)])


DRAW_TEST_INDEX = "draw-test"  # the draw page's "a test image by its number" field
DRAW_INPUT = "draw-input"  # which of canvas / upload the student gave last
INSIDE = "inside"  # the training page's "inside the network" knobs: inside-source, ...
DRAWN_INPUT = "drawn-input"  # the last digit drawn on the draw page, scaled (784,), for other pages
MISTAKES = "mistakes"  # the mistakes page's knobs: mistakes-model, mistakes-other, ...
MISTAKES_PROBA = "mistakes-proba"  # per session: model label -> its test probabilities
STEPWISE = "stepwise"  # the 2-D step-by-step knobs: stepwise-family, stepwise-epoch, ...
STEPWISE_RUN = "stepwise-run"  # per session: the 2-D model in training and whether it plays
UPLOADED_NETWORKS = "uploaded-networks"  # per session: label -> (network, test error %) uploaded as weights
CLASS = "class"  # URL parameter: the code of the class this student joined
CLASS_LEAD = "class-lead"  # per session: the code of the class this teacher leads
TEACHER_HELD = "teacher-held"  # per session: the teacher token, once checked
CLASS_FOLLOWED = "class-followed"  # per session: the teacher's setting this student last followed
CLASS_PUBLISHED = "class-published"  # per session: the page and settings this teacher last published
CLASS_SHOWN = "class-shown"  # the teacher's gallery: which picked snapshot is on the projector
CLASS_WIDGET = "class"  # the lesson widgets' keys: class-code-input, class-name-input, ...
