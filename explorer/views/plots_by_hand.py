"""Pure Plotly builders for the By hand page: data in, `go.Figure` out."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..i18n import tr
from .style import DIVERGING, OKABE_ITO, SERIES, Sizes, layout


def gradient_matrix(m: np.ndarray, row_labels: list[str], col_labels: list[str], sizes: Sizes,
                    title: str, lang: str = "en") -> go.Figure:
    """A gradient matrix (rows × columns) as a heatmap with each entry written in (3 significant digits);
    blue negative, red positive, white 0, the colour range symmetric around 0; its hover text in `lang`."""
    top = float(np.abs(m).max()) if m.size and np.isfinite(m).all() else 0.0
    top = top if top > 0 else 1.0
    text = [[f"{v:.3g}" for v in row] for row in m]
    fig = go.Figure(go.Heatmap(
        z=m, x=col_labels, y=row_labels, zmin=-top, zmax=top, colorscale=DIVERGING, text=text,
        texttemplate="%{text}", textfont=dict(size=max(sizes.font - 3, 9)), showscale=False,
        hovertemplate=tr("row %{y}, column %{x}", lang) + "<br>%{z:.6g}<extra></extra>", xgap=1, ygap=1,
    ))
    rows = len(row_labels)
    return fig.update_layout(layout(
        sizes, title=dict(text=title), height=max(sizes.chart_height, 22 * rows + 110),
        yaxis=dict(autorange="reversed", type="category"), xaxis=dict(type="category", side="top"),
        margin=dict(l=60, r=20, t=80, b=20),
    ))


def grad_norms_back(norms: np.ndarray, t: int, sizes: Sizes, lang: str = "en") -> go.Figure:
    """‖∂L/∂h_t‖ of every layer (norms (L, T)) at the steps the backward pass has reached (T down to t, 0-based);
    the others are left empty. Its words in `lang`."""
    n_layers, t_len = norms.shape
    steps = np.arange(1, t_len + 1)
    data = []
    for l in range(n_layers):
        reached = np.where(steps >= t + 1, norms[l], np.nan)
        data.append(go.Bar(x=steps, y=reached, name=tr("layer {n}", lang, n=l) if n_layers > 1 else "‖∂L/∂h_t‖",
                           marker_color=SERIES[l % len(SERIES)],
                           hovertemplate="t = %{x}<br>‖∂L/∂h_t‖ = %{y:.4g}<extra></extra>"))
    return go.Figure(data=data, layout=layout(
        sizes, title=dict(text=tr("‖∂L/∂h_t‖, from t = T back to this step", lang)), barmode="group",
        showlegend=n_layers > 1, xaxis=dict(title=dict(text=tr("time step t", lang)), dtick=1, range=[0.5, t_len + 0.5]),
        yaxis=dict(title=dict(text="‖∂L/∂h_t‖")),
        shapes=[dict(type="line", x0=t + 1, x1=t + 1, y0=0, y1=1, yref="paper",
                     line=dict(color=OKABE_ITO["black"], width=2, dash="dot"))],
    ))
