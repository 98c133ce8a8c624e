import numpy as np
from sklearn.decomposition import PCA

from mnistlab.data import pca


def test_full_pca_matches_default_sklearn_and_reconstructs():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 20)) @ rng.normal(size=(20, 20))
    ours = pca.fit_full_pca(X)
    ref = PCA().fit(X)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-6)
    np.testing.assert_allclose(pca.reconstruct(ours, X[:3], 20), X[:3], atol=1e-8)
    err = [np.linalg.norm(pca.reconstruct(ours, X[:10], k) - X[:10]) for k in (1, 5, 10, 20)]
    assert err == sorted(err, reverse=True)


def test_components_reaching():
    ratio = np.array([0.5, 0.3, 0.15, 0.04, 0.01])
    assert pca.components_reaching(ratio, (0.5, 0.9, 0.95, 0.99)) == {0.5: 1, 0.9: 3, 0.95: 3, 0.99: 4}
