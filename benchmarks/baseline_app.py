"""The smallest comparable app: one wide page with one plotly scatter of 20 points.

bench_pages.py serves it next to the dashboard to compare the time to the first drawn chart.
Run on its own with:  streamlit run benchmarks/baseline_app.py
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st  # noqa: TID251 (a benchmark app, not part of the dashboard)

st.set_page_config(page_title="Baseline", layout="wide")
st.title("Baseline: one chart")
xs = list(range(20))
ys = [(x * 37 % 23) / 2 for x in xs]
fig = go.Figure(go.Scatter(x=xs, y=ys, mode="markers", name="points"))
fig.update_layout(title="Twenty points", xaxis_title="x", yaxis_title="y")
st.plotly_chart(fig, key="baseline_chart")
