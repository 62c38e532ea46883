"""The Step-through page's figure builders: the data they draw is the data they were given, colours and scales
come from explorer/style.py. (What moves with the step, the browser draws: tests/test_step_payload.py.)"""
from __future__ import annotations

import numpy as np
import pytest

from explorer.views import plots_step as ps
from explorer.views.style import GATE_SCALE, LIGHT_TEMPLATE, NORMAL, PRESENTER, SEQUENTIAL

RNG = np.random.default_rng(0)


def scale_name(colorscale) -> list:
    return [c for _, c in colorscale]


def same_scale(a, name: str) -> bool:
    import plotly.colors
    return scale_name(a) == [c for _, c in plotly.colors.get_colorscale(name)]


def test_heatmap_draws_units_by_time_with_hover():
    values = RNG.uniform(0, 1, (5, 12))  # (H, T)
    fig = ps.time_heatmap(values, "f", "gate", NORMAL, "f")
    (hm,) = fig.data
    np.testing.assert_array_equal(hm.z, values)
    np.testing.assert_array_equal(hm.x, np.arange(1, 13))
    np.testing.assert_array_equal(hm.y, np.arange(5))
    assert (hm.zmin, hm.zmax) == (0, 1) and same_scale(hm.colorscale, GATE_SCALE)
    assert all(s in hm.hovertemplate for s in ("unit %{y}", "t = %{x}", "%{z"))
    assert not fig.layout.shapes  # the cursor is the browser's


def test_heatmap_of_a_unit_subset_names_its_units():
    values = RNG.normal(0, 2, (3, 7))
    fig = ps.time_heatmap(values, "c", "free", NORMAL, "c", units=np.array([0, 100, 200]))
    (hm,) = fig.data
    np.testing.assert_array_equal(hm.y, [0, 100, 200])
    assert fig.layout.yaxis.type == "category"
    assert hm.zmax == pytest.approx(np.abs(values).max()) and hm.zmin == -hm.zmax


def test_symmetric_range_ignores_values_that_are_not_finite():
    assert ps.symmetric_range(np.array([0.5, -2.0, np.inf, np.nan])) == (-2.0, 2.0)
    assert ps.symmetric_range(np.array([np.nan, np.inf])) == (-1.0, 1.0)
    assert ps.symmetric_range(np.zeros(3)) == (-1e-6, 1e-6)


def test_prediction_hides_unscored_targets():
    out, tgt = RNG.normal(size=8), RNG.normal(size=8)
    mask = np.array([False] * 7 + [True])
    fig = ps.prediction_over_time(out, tgt, mask, NORMAL)
    target, pred = fig.data
    assert np.isnan(target.y[:7]).all() and target.y[7] == tgt[7]
    np.testing.assert_array_equal(pred.y, out)
    np.testing.assert_array_equal(pred.x, np.arange(1, 9))


def test_grad_chart_draws_every_layer_on_fixed_log_axes():
    norms = np.exp(RNG.normal(size=(2, 10)))  # (L, T)
    norms[1, 3] = 0.0  # not drawn on a log axis
    fig = ps.grad_reveal(norms, NORMAL)
    np.testing.assert_array_equal(fig.data[0].y, norms[0])
    assert np.isnan(fig.data[1].y[3]) and fig.data[1].y[4] == norms[1, 4]
    assert fig.layout.yaxis.type == "log" and tuple(fig.layout.xaxis.range) == (0.5, 10.5)
    lo, hi = fig.layout.yaxis.range  # fixed by all values: they do not jump while the browser reveals
    assert lo < np.log10(norms[norms > 0].min()) and hi > np.log10(norms.max())


def test_jacobian_chart_draws_the_bound_dashed():
    jac, bound = np.array([0.01, 0.1, 1.0]), 0.5 ** np.array([2.0, 1.0, 0.0])
    fig = ps.jacobian_chart(jac, bound, NORMAL)
    measured, dashed = fig.data
    np.testing.assert_array_equal(measured.y, jac)
    np.testing.assert_array_equal(dashed.y, bound)
    assert dashed.line.dash == "dash" and fig.layout.yaxis.type == "log"
    assert len(ps.jacobian_chart(jac, None, NORMAL).data) == 1


def test_trajectory_colours_by_t_and_names_the_variance():
    coords = RNG.normal(size=(9, 2))
    fig = ps.trajectory(coords, np.array([0.613, 0.2049]), PRESENTER)
    path, points = fig.data
    np.testing.assert_array_equal(points.x, coords[:, 0])
    np.testing.assert_array_equal(points.marker.color, np.arange(1, 10))
    assert same_scale(points.marker.colorscale, SEQUENTIAL)
    assert "61.3%" in fig.layout.xaxis.title.text and "20.5%" in fig.layout.yaxis.title.text
    assert fig.layout.font.size == PRESENTER.font


def test_figures_use_the_light_template():
    fig = ps.time_heatmap(np.zeros((2, 3)), "h", "tanh", NORMAL, "h")
    assert fig.layout.template.layout.plot_bgcolor == LIGHT_TEMPLATE["layout"]["plot_bgcolor"]
