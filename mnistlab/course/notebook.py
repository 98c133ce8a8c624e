"""What the course notebook printed, and why our numbers differ where they do: beside the
reproduced numbers on the results page and in ``python -m mnistlab reproduce``."""

from __future__ import annotations

# What the notebook printed, where it printed anything (others were withheld).
NOTEBOOK_PRINTED = {
    "binary2d.logreg.test_error_pct": 26.610919822921787,
    "binary2d.logreg.nll": 1054.1279337524088,
}

# Why a printed number and ours differ, for the student beside the numbers. Checked by computing it:
# PCA(2) of the 7-vs-9 training images with svd_solver "full", "arpack", "covariance_eigh" and
# "randomized" (seeds 0-3), then the same logistic regression, gives 540 errors of 2,033 test images
# (26.5617 %) and a summed NLL of 1054.1229 (1054.1228 with seed 1) every time. The notebook's 26.6109 %
# is 541 of 2,033.
_PCA_SOLVER = (
    "The notebook's PCA(2) ran with scikit-learn's old 'auto' solver, which on data this size "
    "picked the randomised solver, unseeded; every solver here (exact, ARPACK, covariance, "
    "randomised with seeds 0-3) gives the same 540 errors, so the two components the notebook drew "
    "differed very slightly from the exact ones, enough to move one test image across the boundary."
)
NOTEBOOK_DIFFERENCES = {
    "binary2d.logreg.test_error_pct": _PCA_SOLVER,
    "binary2d.logreg.nll": "Summed over 2,033 test images, 0.005 apart (0.0005 %): the same slightly "
    "different components as the error rate; the same estimator settings otherwise.",
}
