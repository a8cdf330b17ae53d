import numpy as np

from matching.estimate import expectation_maximisation


def test_em_recovers_m_and_lambda_on_simulated_pairs():
    rng = np.random.default_rng(7)
    m_true = [np.array([0.9, 0.07, 0.03]), np.array([0.85, 0.1, 0.05]), np.array([0.95, 0.05])]
    u_true = [np.array([0.01, 0.04, 0.95]), np.array([0.02, 0.08, 0.9]), np.array([0.5, 0.5])]
    n, lam = 60_000, 0.2
    is_match = rng.random(n) < lam
    cols = []
    for m, u in zip(m_true, u_true):
        g = np.where(is_match, rng.choice(len(m), n, p=m), rng.choice(len(u), n, p=u))
        g[rng.random(n) < 0.05] = -1  # some nulls
        cols.append(g)
    gammas = np.column_stack(cols).astype(np.int8)
    start = [np.array([0.6, 0.3, 0.1]), np.array([0.6, 0.3, 0.1]), np.array([0.6, 0.4])]
    m_est, lam_est, _ = expectation_maximisation(gammas, start, u_true, prior=0.5, max_iterations=200, tolerance=1e-7)
    assert abs(lam_est - lam) < 0.01
    for est, true in zip(m_est, m_true):
        assert np.allclose(est, true, atol=0.02)


def test_fixed_comparisons_keep_their_m():
    gammas = np.array([[0, 0], [1, 1], [0, 1]] * 100, dtype=np.int8)
    m0 = [np.array([0.7, 0.3]), np.array([0.5, 0.5])]
    u = [np.array([0.1, 0.9]), np.array([0.2, 0.8])]
    m, _, _ = expectation_maximisation(gammas, m0, u, estimate=[True, False])
    assert np.array_equal(m[1], m0[1])
