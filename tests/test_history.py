"""History: bounded memory, evenly thinned series, and the spectral series against independent values."""
import numpy as np

from explorer.training.history import MAX_POINTS, MAX_PROBES, History
from explorer.training.trainer import StepStats


def stats(step: int, probe: bool = False, diverged: str | None = None, loss: float | None = None) -> StepStats:
    rng = np.random.default_rng(step)
    s = StepStats(step=step, loss=float(step) if loss is None else loss, metrics={"MAE": step / 2}, baseline=0.5,
                  grad_norm=2.0 * step, grad_norm_clipped=1.0, clipped=step % 3 == 0,
                  param_grad_norms={"a": 1.0 * step, "b": 3.0 * step}, diverged=diverged)
    if probe:
        s.hidden_grad_norms = rng.random((2, 5))
        s.eigenvalues = {"0/h": rng.normal(size=4) + 1j * rng.normal(size=4), "1/h": rng.normal(size=4) + 0j}
        s.sigma_max = {k: float(np.abs(v).max()) + 1.0 for k, v in s.eigenvalues.items()}
    return s


def test_memory_is_bounded_and_the_thinned_record_evenly_spaced():
    h = History()
    for i in range(1, 20_001):
        h.append(stats(i, probe=i % 10 == 0))
    assert len(h) == 20_000
    assert len(h.steps.rows) < MAX_POINTS and len(h.probes.rows) < MAX_PROBES
    steps = h.scalars()["step"]
    assert steps[0] == 1 and len(set(np.diff(steps))) == 1  # one stride over the whole run
    assert h.latest.step == 20_000 and h.latest_probe.step == 20_000
    assert h.clip_events == 20_000 // 3


def test_scalars_are_the_appended_values():
    h = History()
    for i in range(1, 11):
        h.append(stats(i))
    s = h.scalars()
    np.testing.assert_array_equal(s["step"], np.arange(1, 11))
    np.testing.assert_array_equal(s["loss"], np.arange(1, 11))
    np.testing.assert_array_equal(s["param/b"], 3.0 * np.arange(1, 11))
    np.testing.assert_array_equal(s["clipped"], np.arange(1, 11) % 3 == 0)
    np.testing.assert_array_equal(s["metric/MAE"], np.arange(1, 11) / 2)


def test_radius_and_sigma_series_match_the_probes():
    h, probes = History(), []
    for i in range(1, 101):
        s = stats(i, probe=i % 25 == 0)
        h.append(s)
        if s.eigenvalues is not None:
            probes.append(s)
    steps, radius = h.radius_series()
    steps2, sigma = h.sigma_series()
    np.testing.assert_array_equal(steps, [25, 50, 75, 100])
    np.testing.assert_array_equal(steps2, steps)
    for key in ("0/h", "1/h"):
        want = [max(abs(complex(z)) for z in p.eigenvalues[key]) for p in probes]  # max |λ|, by hand
        np.testing.assert_allclose(radius[key], want, rtol=1e-12)
        np.testing.assert_array_equal(sigma[key], [p.sigma_max[key] for p in probes])
    steps, norms = h.probe_matrix(1)
    np.testing.assert_array_equal(norms, np.stack([p.hidden_grad_norms[1] for p in probes]))


def test_empty_history():
    h = History()
    assert len(h) == 0 and h.latest is None and h.latest_probe is None
    steps, radius = h.radius_series()
    assert len(steps) == 0 and radius == {}
    assert h.probe_matrix(0)[1].shape == (0, 0)


def test_divergence_is_reported_until_a_finite_step():
    h = History()
    h.append(stats(1))
    h.append(stats(2, diverged="step 2: the loss is nan", loss=float("nan")))
    assert h.diverged == "step 2: the loss is nan"
    assert np.isnan(h.scalars()["loss"][-1])
    h.append(stats(3))
    assert h.diverged is None


def test_probes_without_a_spectrum_add_no_spectral_points():
    """Large models get the W_hh spectrum only every few probes: the series skip the others."""
    hist = History()
    for step in range(1, 7):
        s = stats(step, probe=True)
        if step % 3:
            s.sigma_max = s.eigenvalues = None
        hist.append(s)
    assert hist.latest_probe.step == 6 and hist.latest_spectrum.step == 6
    steps, sigma = hist.sigma_series()
    assert list(steps) == [3, 6] and all(np.isfinite(v).all() for v in sigma.values())
    s = stats(7, probe=True)
    s.sigma_max = s.eigenvalues = None
    hist.append(s)
    assert hist.latest_probe.step == 7 and hist.latest_spectrum.step == 6  # the eigenvalue chart keeps step 6
