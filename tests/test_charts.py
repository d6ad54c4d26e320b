from __future__ import annotations

import re

import pytest
from conftest import BUNDLED, FIXTURES

from components import charts, looks
from evidence import frames as fr
from evidence import vocabulary
from evidence.loader import load_evidence, parse_evidence


@pytest.fixture(scope="module")
def minimal():
    return load_evidence(FIXTURES / "valid_minimal.yaml")


@pytest.fixture(scope="module")
def results(minimal):
    return fr.result_table(minimal)


def percent(results):
    return results[results[fr.UNIT] == "percent"]


def point_traces(fig):
    return [t for t in fig.data if t.mode == "markers" and t.hovertext]


def value_texts(fig):
    return [t.strip() for tr in fig.data if tr.mode == "text" for t in tr.text]


def row_labels(fig, axis="y"):
    """Row labels are annotations above the rows, one per row of the panel on ``axis``."""
    return [a.text for a in fig.layout.annotations if a.yref == axis]


def test_forest_figure_one_panel_per_setting(results):
    fig = charts.forest_figure(percent(results), title="Response")
    titles = [a.text for a in fig.layout.annotations]
    assert "First-line disease X" in titles
    assert "Relapsed disease X" in titles
    assert row_labels(fig, "y2")  # the second panel has its own rows
    assert all(label.startswith("Series B") for label in row_labels(fig, "y2"))


def test_forest_figure_values_and_ci_error_bars(results):
    fig = charts.forest_figure(percent(results), title="t")
    zeta = next(t for t in point_traces(fig) if t.name == "Z" and 60.0 in t.x)
    i = list(zeta.x).index(60.0)
    low, high = fr.wilson_interval(60, 100)
    assert zeta.error_x.array[i] == pytest.approx(high - 60)
    assert zeta.error_x.arrayminus[i] == pytest.approx(60 - low)


def test_forest_figure_editorial_only_figures_are_open_markers(results):
    fig = charts.forest_figure(percent(results), title="t")
    symbols = {}
    for trace in point_traces(fig):
        for x, symbol in zip(trace.x, trace.marker.symbol, strict=True):
            symbols[x] = symbol
    assert symbols[60.0] == "circle"  # primary, regimen 0
    assert symbols[70.0] == "circle-open"  # editorial only
    assert symbols[30.0] == "square"  # primary, regimen 1


def test_forest_figure_says_what_fills_and_dashes_mean_for_those_drawn(results):
    shown = percent(results)
    # The key wraps to the page's width: read it as one line.
    key = charts.forest_figure(shown, title="t").layout.title.subtitle.text.replace("<br>", " ")
    assert "○ open: stated only by the editorial" in key
    assert "● filled: reported by the trial" in key
    assert "dashed: the range a qualifier allows" in key
    assert "computed by us" not in key  # no computed figure in this file
    primary = shown[shown[fr.REPORTED_BY] == "primary"]
    primary = primary[primary[fr.QUALIFIER] == "exact"]
    only = charts.forest_figure(primary, title="t").layout.title.subtitle.text
    assert "● filled" in only
    assert "open" not in only
    assert "dashed" not in only
    # Only the regimens are legend entries: the key is text that spans the figure.
    entries = charts.forest_figure(shown, title="t").data
    assert [t.name for t in entries if t.showlegend is not False and t.name] == ["Z", "SoC"]


def test_forest_figure_qualifiers_drawn_as_dashed_ranges(results):
    fig = charts.forest_figure(percent(results), title="t")
    ranges = [t for t in fig.data if t.mode == "lines" and t.line.dash == "dash"]
    segments = [
        tuple(t.x[i : i + 2]) for t in ranges for i in range(0, len(t.x), 3) if t.x[i] is not None
    ]
    assert (0.0, 70.0) in segments  # "up to 70%": anywhere from 0 to 70
    assert (50.0, 100.0) in segments  # "more than 50%": from 50 to the axis end
    texts = value_texts(fig)
    assert "up to 70%" in texts
    assert "more than 50% (a majority)" in texts


def test_forest_figure_hover_names_source_n_ci_and_reporter(results):
    fig = charts.forest_figure(percent(results), title="t")
    hovers = [h for tr in point_traces(fig) for h in tr.hovertext]
    first = next(h for h in hovers if "Trial A, zetamab arm" in h)
    assert "n = 100" in first
    assert "95% CI 50.2–69.06%, computed by us (Wilson, from n)" in first
    assert "Source: Doe 2020, abstract" in first
    assert "Reported by the trial report" in first
    series = next(h for h in hovers if "Series B" in h and "70%" in h)
    assert "n not reported" in series
    assert "Reported by the editorial only" in series


def test_forest_figure_small_or_unknown_n_flagged_in_label(results):
    fig = charts.forest_figure(percent(results), title="t")
    labels = row_labels(fig, "y") + row_labels(fig, "y2")
    assert any(label.startswith("Series B") and label.endswith("(n n.r.)†") for label in labels)
    assert any(label.endswith("(n=100)") for label in labels)


def test_forest_figure_regimen_colour_independent_of_rows(results):
    full = charts.forest_figure(percent(results), title="t")
    only_control = charts.forest_figure(
        percent(results)[lambda f: f[fr.REGIMEN] == "ctrl"], title="t"
    )
    colour_full = next(t.marker.color for t in point_traces(full) if t.name == "SoC")
    colour_alone = next(t.marker.color for t in point_traces(only_control) if t.name == "SoC")
    assert colour_full == colour_alone == charts.PALETTE[1]


def test_forest_figure_does_not_mutate_input(results):
    frame = percent(results).copy()
    before = frame.copy()
    charts.forest_figure(frame, title="t")
    assert frame.equals(before)


def test_forest_figure_warns_when_criteria_mix_on_one_axis():
    text = (
        (FIXTURES / "valid_minimal.yaml")
        .read_text()
        .replace(
            "    unit: percent\n    better: lower\n",
            '    unit: percent\n    better: lower\n    criteria: "Other criteria"\n',
        )
    )
    ev = parse_evidence(text.encode())
    table = fr.result_table(ev)
    fig = charts.forest_figure(percent(table), title="t")
    assert "Different criteria share this axis" in fig.layout.title.subtitle.text.replace(
        "<br>", " "
    )
    fig_single = charts.forest_figure(percent(table)[lambda f: f[fr.ENDPOINT] == "orr"], title="t")
    assert "Different criteria" not in fig_single.layout.title.subtitle.text


def test_forest_figure_escapes_html_from_evidence(results):
    frame = percent(results).copy()
    frame[fr.COHORT_LABEL] = "<img src=x onerror=alert(1)>"
    fig = charts.forest_figure(frame, title="<script>x</script>")
    everything = fig.to_json()
    assert "<img" not in everything
    assert "<script>" not in everything
    assert "&lt;img src=x onerror=alert(1)&gt;" in everything


def test_ratio_forest_figure_log_axis_line_at_one(minimal):
    fig = charts.ratio_forest_figure(fr.comparison_table(minimal), title="HR")
    assert fig.layout.xaxis.type == "log"
    assert any(shape.x0 == 1 and shape.x1 == 1 for shape in fig.layout.shapes)
    trace = point_traces(fig)[0]
    assert list(trace.x) == [0.7]
    assert "p 0.01" in trace.hovertext[0]
    assert "95% CI 0.5–0.9, as reported" in trace.hovertext[0]


def test_coverage_figure_counts_and_empty_cells(minimal):
    fig = charts.coverage_figure(fr.coverage_table(minimal), title="Grid")
    heat = fig.data[0]
    assert list(heat.x) == ["1L", "R/R", "Empty"]
    assert list(heat.y) == ["Z", "SoC"]
    assert [list(row) for row in heat.z] == [[1, 1, None], [1, None, None]]
    assert heat.text[1][1] == "—"
    assert "No evidence yet" in heat.hovertext[1][1]


@pytest.mark.parametrize("look", [looks.SCREEN, looks.PRESENT, looks.FILE, looks.SLIDE])
def test_coverage_cells_keep_each_value_whole_and_cut_only_the_endpoint(look):
    # A long endpoint name once ran past its cell and took the value ("up to 77%") with it.
    frame = fr.coverage_table(load_evidence(BUNDLED))
    long_name = frame[fr.HEADLINE_ENDPOINT].dropna().map(len).max()
    fig = charts.coverage_figure(frame, title="Grid", look=look)
    cells = {  # column labels wrap on a page (they may stand two lines high)
        (y, x.replace("<br>", " ")): text
        for y, row in zip(fig.data[0].y, fig.data[0].text, strict=True)
        for x, text in zip(fig.data[0].x, row, strict=True)
    }
    cut = 0
    for _, cell in frame[frame[fr.HEADLINE_VALUE].notna()].iterrows():
        lines = cells[(cell[fr.REGIMEN_SHORT], cell[fr.SETTING_SHORT])].split("<br>")
        assert " ".join(lines[2:]) == cell[fr.HEADLINE_VALUE]
        endpoint = cell[fr.HEADLINE_ENDPOINT]
        assert lines[1] == endpoint or (
            lines[1].endswith("…") and endpoint.startswith(lines[1][:-1])
        )
        cut += lines[1] != endpoint
        assert len(lines) <= 4
    assert long_name > 20
    assert cut  # the bundled grid has a name too long for its cell


def test_coverage_on_a_page_is_wide_enough_for_its_columns_with_level_labels():
    frame = fr.coverage_table(load_evidence(BUNDLED))
    columns = frame[fr.SETTING].nunique()
    page = charts.coverage_figure(frame, title="Grid", look=looks.SCREEN)
    assert page.layout.meta["min_width"] >= charts.GRID_CELL_PX * columns
    assert page.layout.xaxis.tickangle == 0
    assert any("<br>" in label for label in page.data[0].x)
    file = charts.coverage_figure(frame, title="Grid", look=looks.FILE)
    assert file.layout.meta is None  # a file has its own width and no frame to scroll in


def test_plane_figure_colour_by_verdict(results):
    plane = fr.plane_table(results, harm="tox", benefit="orr", verdict_of={"b_zeta": "promising"})
    fig = charts.plane_figure(plane, title="t", x_title="Harm", y_title="Response")
    trace = next(t for t in fig.data if t.name == "Promising")
    assert trace.marker.color == vocabulary.VERDICT.colour("promising")
    assert list(trace.x) == [50.0]
    assert list(trace.marker.symbol) == ["circle-open"]  # a figure is the editorial's only


def test_regimen_style_unique_for_24_regimens_then_repeats():
    styles = [(charts.regimen_colour(i), charts.regimen_symbol(i)) for i in range(25)]
    assert len(set(styles[:24])) == 24
    assert styles[24] == styles[0]


def test_forest_figure_labels_above_rows_keep_the_whole_width_for_data(results):
    # Row labels are annotations inside the panel, not y tick labels in a left margin: on a
    # phone the data keep the panel's width.
    fig = charts.forest_figure(percent(results), title="t")
    assert fig.layout.yaxis.showticklabels is False
    assert fig.layout.margin.l <= 20
    for label in row_labels(fig):
        assert label  # every row has its label
    above = [a for a in fig.layout.annotations if a.yref == "y"]
    assert all(a.xanchor == "left" and a.yanchor == "bottom" for a in above)
    # Lines crossing the panel pass behind a label, not through its words
    assert {a.bgcolor for a in above} == {charts.stacking.LABEL_GROUND}


def test_forest_figure_values_sit_past_the_interval_never_above_the_point(results):
    fig = charts.forest_figure(percent(results), title="t")
    texts = [tr for tr in fig.data if tr.mode == "text"]
    points = {(y, x) for tr in point_traces(fig) for x, y in zip(tr.x, tr.y, strict=True)}
    for trace in texts:
        assert set(trace.textposition) <= {"middle right", "middle left"}
    # 60% with its Wilson CI 50.2-69.1: its label starts at the CI's end, not the point.
    _, high = fr.wilson_interval(60, 100)
    first = texts[0]
    assert high in list(first.x)
    assert any(x == 60.0 for _, x in points)


def test_subtitle_and_notes_wrap_to_the_width_a_page_may_have(results):
    # 55 characters of 13 px text ran a few pixels past a phone's 358 px chart.
    fig = charts.forest_figure(percent(results), title="t", look=looks.SCREEN)
    text = re.sub(r"<[^>]+>", "\n", fig.layout.title.subtitle.text)
    assert max(len(line) for line in text.splitlines()) <= looks.SCREEN.note_chars
    assert looks.SCREEN.note_chars < looks.SCREEN.wrap
    assert looks.FILE.note_chars == looks.FILE.wrap  # a file's width has room for its wrap


@pytest.mark.parametrize("title", ["short", "a title long enough to wrap " * 6])
def test_title_sits_at_the_top_however_many_lines_it_takes(title):
    # plotly lifts a title of several lines by about 0.7 x its font: the offset no longer
    # grows with the lines (three lines were pushed into the subtitle).
    fig = charts.pictograph_figure(
        [("Outcome", 20.0, 30.0, True)], regimen="A", versus="B", title=title
    )
    lines = fig.layout.title.text.count("<br>") + 1
    assert (fig.layout.title.y, fig.layout.title.yanchor) == (1, "top")
    offset = fig.layout.title.pad.t
    # Below the band a live chart's toolbar takes (it covered titles on a phone)
    toolbar = looks.SCREEN.toolbar
    assert offset == toolbar + 12 + (round(0.75 * looks.SCREEN.title) if lines > 1 else 0)
    assert fig.layout.margin.t > toolbar + 12 + looks.SCREEN.title
    assert (lines > 2) == (title != "short")


def test_pictograph_keeps_room_under_a_caption_of_two_lines_above_the_legend():
    one = [("Venous thromboembolism", 0.0, 7.0, False)]
    short = charts.pictograph_figure(one, regimen="A", versus="B", title="t")
    long = charts.pictograph_figure(
        one, regimen="A much longer regimen name", versus="Observation", title="t"
    )
    caption = next(a for a in long.layout.annotations if "of 100" in str(a.text))
    assert "<br>" in caption.text  # it wraps on a phone's width
    line = round(1.3 * looks.SCREEN.font)
    assert long.layout.margin.b == short.layout.margin.b + line
    assert long.layout.height == short.layout.height + line


def test_benefit_harm_keeps_room_right_of_the_axis_for_its_longest_value(bundled):
    from components import compare

    found = next(c for c in compare.comparisons(bundled.effects) if c.randomised)
    rows = compare.benefit_harm_rows(bundled.effects, found)
    fig = charts.benefit_harm_figure(rows, title="t", regimen="A", versus="B")
    longest = max(len(t) for t in value_texts(fig) if t) + 2  # the two spaces before it
    assert fig.layout.margin.r >= 0.55 * looks.SCREEN.value * longest


@pytest.mark.parametrize("look", [looks.PRESENT, looks.FILE, looks.SLIDE])
def test_coverage_keeps_column_labels_level_and_wrapped_to_their_column(look):
    # Turned labels ran into each other and the subtitle: a projector's look between 1200
    # and 1400 px, a slide's 902 px.
    frame = fr.coverage_table(load_evidence(BUNDLED))
    fig = charts.coverage_figure(frame, title="Grid", look=look)
    assert fig.layout.xaxis.tickangle == 0
    settings = frame[fr.SETTING].nunique()
    column = ((look.width or look.assumed_width) - 24) / settings  # at most, less the labels
    for label in fig.data[0].x:
        assert all(0.55 * look.tick * len(line) < column for line in label.split("<br>"))
    assert fig.layout.meta is None  # no sideways frame: a projector, a file, a slide are wide


def test_every_trace_type_drawn_is_styled_by_the_looks_template(bundled):
    """The looks' template keeps only the trace types we draw (issue 19: copying plotly_white's
    24 into each figure cost about 5 ms a figure). A builder that draws another type would
    lose the look's fonts for it: this fails until the template styles that type too."""
    from components import registry
    from components.loaded import Filters

    drawn: dict[str, set[str]] = {}
    for look in (looks.SCREEN, looks.SLIDE):  # the page's, and the deck's split figures
        styled = set(look.template.to_plotly_json()["data"])
        for decl in registry.CHARTS:
            for spec in decl.specs(bundled, Filters(), look=look, split=look is looks.SLIDE):
                types = {trace.type for trace in spec.figure.data}
                drawn.setdefault(look.name, set()).update(types)
                assert types <= styled, (decl.key, look.name, types - styled)
    assert drawn["screen"] >= {"scatter", "heatmap"}
