"""Pure figure builders (Plotly) and page data: style, plots per page, the unrolled diagram, the equations."""
