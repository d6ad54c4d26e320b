"""The presentation view (``?mode=present``): one large chart per screen, previous and next."""

from __future__ import annotations

import streamlit as st

from components import registry, state, tables
from components.loaded import Filters, LoadedEvidence
from components.looks import PRESENT
from components.panels import md, render_empty, render_figure
from components.specs import ChartSpec

WIDE, NARROW = "present_wide", "present_narrow"
"""The keyed containers of a slide's chart in the presentation look and in its narrow look."""


def presentation_specs(loaded: LoadedEvidence, filters: Filters) -> list[ChartSpec]:
    """Every chart of the view that the registry sends to the presentation view, drawn large."""
    return [
        spec
        for chart in registry.CHARTS
        if chart.presentation
        for spec in state.memo_specs(chart, loaded, filters, look=PRESENT)
    ]


def render_presentation(loaded: LoadedEvidence, filters: Filters) -> None:
    """One chart per screen, large, with previous/next; the slide number is in the URL."""
    specs = presentation_specs(loaded, filters)
    if not specs:
        render_empty("charts", filters)
        st.button("Exit presentation", on_click=state.set_presenting, args=(False,), key="exit")
        return
    slide = state.current_slide(len(specs))
    spec = specs[slide - 1]
    # One row that wraps, not columns: columns stack on a phone, where the three buttons and
    # the slide's name took the whole first screen. The buttons keep their place on every
    # slide (the name's length varies, so it comes last).
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.button(
            "Previous",
            on_click=state.go_to_slide,
            args=(slide - 1,),
            disabled=slide == 1,
            key="slide_previous",
            icon=":material/arrow_back:",
        )
        st.button(
            "Next",
            on_click=state.go_to_slide,
            args=(slide + 1,),
            disabled=slide == len(specs),
            key="slide_next",
            icon=":material/arrow_forward:",
        )
        st.button(
            "Exit",
            on_click=state.set_presenting,
            args=(False,),
            key="exit",
            icon=":material/close:",
        )
        st.markdown(f"**{slide} / {len(specs)}** · {md(spec.title)}", width="stretch")
    _render_figures(spec, loaded, filters)
    st.caption(md(tables.chart_summary(spec.title, spec.table)))  # the chart's text alternative
    if spec.caption():  # the note shows even when no source is named
        st.caption(md(spec.caption()))


def _render_figures(spec: ChartSpec, loaded: LoadedEvidence, filters: Filters) -> None:
    """The slide's chart in the presentation look, and in its narrow look for narrow screens.

    The server cannot know the browser's width, so both are sent and a CSS media query shows
    the one meant for it (PRESENT.narrow_below). The hidden one takes no space; a window
    resized across the width shows the other, which plotly lays out again for its box.
    """
    narrow = PRESENT.narrow
    if narrow is None:
        render_figure(spec, key=f"present_{spec.key}")
        return
    below = PRESENT.narrow_below
    st.html(
        f"<style>@media (width < {below}px) {{ .st-key-{WIDE} {{ display: none !important; }} }}"
        f"@media (width >= {below}px) {{ .st-key-{NARROW} {{ display: none !important; }} }}"
        "</style>"
    )
    # The same chart drawn in the narrow look: the registry's chart, the spec of the same key.
    small = next(
        other
        for other in state.memo_specs(registry.chart(spec.chart), loaded, filters, look=narrow)
        if other.key == spec.key
    )
    with st.container(key=WIDE):
        render_figure(spec, key=f"present_{spec.key}")
    with st.container(key=NARROW):
        render_figure(small, key=f"present_{spec.key}_narrow")
