"""The Step-through page's figure builders: the data they draw is the data they were given, cursors sit
at the selected step, colours and scales come from explorer/style.py."""
from __future__ import annotations

import numpy as np
import pytest

from explorer.views import plots_step as ps
from explorer.views.style import DIVERGING, GATE_SCALE, LIGHT_TEMPLATE, NORMAL, PRESENTER, SEQUENTIAL

RNG = np.random.default_rng(0)


def cursor_x(fig) -> float:
    (shape,) = fig.layout.shapes
    assert shape.x0 == shape.x1 and shape.yref == "paper"
    return shape.x0


def scale_name(colorscale) -> list:
    return [c for _, c in colorscale]


def same_scale(a, name: str) -> bool:
    import plotly.colors
    return scale_name(a) == [c for _, c in plotly.colors.get_colorscale(name)]


def test_state_bars_rows_ranges_and_scales():
    h, c, f = RNG.uniform(-1, 1, 6), RNG.normal(0, 3, 6), RNG.uniform(0, 1, 6)
    fig = ps.state_bars([("h", "tanh", h), ("c", "free", c), ("f", "gate", f)], NORMAL, "State at t = 3")
    assert [tr.name for tr in fig.data] == ["h", "c", "f"]
    for tr, want in zip(fig.data, (h, c, f)):
        np.testing.assert_array_equal(tr.y, want)
        np.testing.assert_array_equal(tr.x, np.arange(6))
    axes = [fig.layout[tr.marker.coloraxis] for tr in fig.data]
    assert (axes[0].cmin, axes[0].cmax) == (-1, 1)
    assert axes[1].cmax == pytest.approx(np.abs(c).max()) and axes[1].cmin == -axes[1].cmax
    assert (axes[2].cmin, axes[2].cmax) == (0, 1)
    assert same_scale(axes[0].colorscale, DIVERGING) and same_scale(axes[2].colorscale, GATE_SCALE)
    assert same_scale(axes[1].colorscale, DIVERGING)
    assert fig.data[2].yaxis == "y3" and tuple(fig.layout.yaxis3.range) == (0, 1)


@pytest.mark.parametrize("n", range(1, 9))
def test_state_bars_stack_any_number_of_rows(n):
    fig = ps.state_bars([(f"r{j}", "tanh", np.zeros(3)) for j in range(n)], NORMAL, "t")
    domains = [fig.layout[f"yaxis{j + 1 if j else ''}"].domain for j in range(n)]
    assert all(0 <= lo < hi <= 1 for lo, hi in domains)
    assert all(a[0] > b[1] for a, b in zip(domains, domains[1:]))  # top to bottom, no overlap


def test_heatmap_draws_units_by_time_with_cursor_and_hover():
    values = RNG.uniform(0, 1, (5, 12))  # (H, T)
    fig = ps.time_heatmap(values, "f", "gate", 6, NORMAL, "f")
    (hm,) = fig.data
    np.testing.assert_array_equal(hm.z, values)
    np.testing.assert_array_equal(hm.x, np.arange(1, 13))
    assert (hm.zmin, hm.zmax) == (0, 1) and same_scale(hm.colorscale, GATE_SCALE)
    assert cursor_x(fig) == 7
    assert all(s in hm.hovertemplate for s in ("unit %{y}", "t = %{x}", "%{z"))


def test_prediction_hides_unscored_targets():
    out, tgt = RNG.normal(size=8), RNG.normal(size=8)
    mask = np.array([False] * 7 + [True])
    fig = ps.prediction_over_time(out, tgt, mask, 2, NORMAL)
    target, pred, now = fig.data
    assert np.isnan(target.y[:7]).all() and target.y[7] == tgt[7]
    np.testing.assert_array_equal(pred.y, out)
    assert (now.x[0], now.y[0]) == (3, out[2]) and cursor_x(fig) == 3


def test_class_probs_marks_the_target():
    fig = ps.class_probs(["a", "b", "c"], np.array([0.5, 0.3, 0.1]), "b", NORMAL, "top 3")
    (bar,) = fig.data
    assert list(bar.y) == ["a", "b ✓ target", "c"]
    assert bar.marker.color[1] == ps.HIGHLIGHT and ps.HIGHLIGHT not in (bar.marker.color[0], bar.marker.color[2])
    np.testing.assert_array_equal(bar.x, [0.5, 0.3, 0.1])
    assert list(bar.text) == ["0.500", "0.300", "0.100"]


def test_grad_reveal_shows_only_steps_from_T_down_to_the_cursor():
    norms = np.exp(RNG.normal(size=(2, 10)))  # (L, T)
    full = ps.grad_reveal(norms, 0, NORMAL)
    part = ps.grad_reveal(norms, 6, NORMAL)
    for l in range(2):
        np.testing.assert_array_equal(full.data[l].y, norms[l])
        assert np.isnan(part.data[l].y[:6]).all()
        np.testing.assert_array_equal(part.data[l].y[6:], norms[l, 6:])
    assert part.layout.yaxis.type == "log"
    assert tuple(part.layout.yaxis.range) == tuple(full.layout.yaxis.range)  # axes do not jump
    lo, hi = part.layout.yaxis.range
    assert lo < np.log10(norms.min()) and hi > np.log10(norms.max())
    assert cursor_x(part) == 7


def test_jacobian_chart_draws_the_bound_dashed():
    jac, bound = np.array([0.01, 0.1, 1.0]), 0.5 ** np.array([2.0, 1.0, 0.0])
    fig = ps.jacobian_chart(jac, bound, NORMAL)
    measured, dashed = fig.data
    np.testing.assert_array_equal(measured.y, jac)
    np.testing.assert_array_equal(dashed.y, bound)
    assert dashed.line.dash == "dash" and fig.layout.yaxis.type == "log"
    assert len(ps.jacobian_chart(jac, None, NORMAL).data) == 1


def test_trajectory_highlights_step_t_and_names_the_variance():
    coords = RNG.normal(size=(9, 2))
    fig = ps.trajectory(coords, np.array([0.613, 0.2049]), 4, PRESENTER)
    path, points, now = fig.data
    np.testing.assert_array_equal(points.x, coords[:, 0])
    np.testing.assert_array_equal(points.marker.color, np.arange(1, 10))
    assert same_scale(points.marker.colorscale, SEQUENTIAL)
    assert (now.x[0], now.y[0]) == (coords[4, 0], coords[4, 1])
    assert "61.3%" in fig.layout.xaxis.title.text and "20.5%" in fig.layout.yaxis.title.text
    assert fig.layout.font.size == PRESENTER.font


def test_figures_use_the_light_template():
    fig = ps.time_heatmap(np.zeros((2, 3)), "h", "tanh", 0, NORMAL, "h")
    assert fig.layout.template.layout.plot_bgcolor == LIGHT_TEMPLATE["layout"]["plot_bgcolor"]
