"""Principal components of the images: explained variance and reconstructions (exercise 3.1)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.decomposition import PCA


def fit_full_pca(X: np.ndarray) -> PCA:
    """All 784 components. The covariance route is one 784x784 eigendecomposition, which is far
    cheaper than an SVD of 60,000 rows."""
    return PCA(svd_solver="covariance_eigh").fit(X)


def components_reaching(explained_ratio: np.ndarray, targets: Sequence[float] = (0.90, 0.95, 0.99)) -> dict:
    """{target: smallest number of components whose cumulative explained variance reaches it}."""
    cumulative = np.cumsum(explained_ratio)
    return {t: int(np.searchsorted(cumulative, t - 1e-12) + 1) for t in targets}


def reconstruct(pca: PCA, X: np.ndarray, k: int) -> np.ndarray:
    """Project on the first k components and back: what k numbers per image keep."""
    W = pca.components_[:k]
    return (np.atleast_2d(X) - pca.mean_) @ W.T @ W + pca.mean_


def project(pca: PCA, X: np.ndarray, k: int) -> np.ndarray:
    """Coordinates on the first k components."""
    return (np.atleast_2d(X) - pca.mean_) @ pca.components_[:k].T
