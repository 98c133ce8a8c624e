"""One run record: what one fit or training produced, written once by the page that made it and read by
every view of runs (the Results table, the training page's table and its curves compared, the models
the drawing and mistakes pages offer, the run store and so the class board)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mnistlab import navigation
from mnistlab.results import ResultRow

STATUSES = ("finished", "stopped", "early-stopped")


@dataclass(frozen=True)
class RunRecord:
    page: str  # a navigation path ("binary_2d"): where it was made, and the board task by default
    dataset: str
    model: str  # what the class reads: the model and its settings, never a number local to one session
    features: str
    parameters: str
    n_train: int
    test_error_pct: float | None
    test_nll: float | None = None  # summed over the test set; None where undefined (k-NN)
    fit_s: float | None = None
    device: str = "cpu"
    task: str | None = None  # the board's task; None: the page's
    pair: tuple[int, int] | None = None  # the binary problem's two classes
    config: Any = None  # the settings as the core's own dataclass (TrainConfig, ModelChoice, ...)
    status: str = "finished"  # how it ended: the job's own state, decided once
    # Per-epoch series ({"val_error_pct": [...]}) and the epochs themselves, for curves compared.
    curves: dict | None = field(default=None, compare=False, repr=False)
    history: tuple = field(default=(), compare=False, repr=False)
    # The fitted classifier (a scikit-learn estimator, or a torch network on the CPU whose weights the
    # store keeps), for the pages that predict with it; None where the page does not keep it.
    fitted: Any = field(default=None, compare=False, repr=False)
    run: int | None = None  # the training page's run number in this session: two trainings are two runs

    def identity(self) -> tuple:
        """The same model with the same settings on the same data is one record, however often a knob
        returns to it; the same setting on MNIST then Fashion-MNIST is two."""
        return (self.dataset, self.page, self.model, self.parameters, self.n_train, self.device, self.run)

    @property
    def network(self):
        """The fitted torch network, or None (a scikit-learn model, or nothing kept)."""
        return self.fitted if hasattr(self.fitted, "state_dict") else None

    @property
    def board_task(self) -> str | None:
        return self.task or navigation.BY_PATH[self.page].task

    @property
    def stopped(self) -> bool:
        return self.status == "stopped"

    def result_row(self) -> ResultRow:
        return ResultRow(
            page=navigation.BY_PATH[self.page].name,
            model=self.model,
            features=self.features,
            parameters=self.parameters,
            n_train=self.n_train,
            test_error_pct=self.test_error_pct,
            test_nll=self.test_nll,
            fit_s=self.fit_s,
            device=self.device,
            dataset=self.dataset,
        )
