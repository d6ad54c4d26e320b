from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from conftest import APP, BUNDLED, FIXTURES, ROOT, charts_drawn, line_of, open_sidebar, shown
from streamlit.testing.v1 import AppTest

from components import looks, registry, state

PAGES = [page.path for page in registry.PAGES]
"""Every page, as the navigation declares them (components/registry.py)."""
LANDING = registry.PAGES[0].path  # its grid shows even an empty file's settings
TITLES = {page.path: page.title for page in registry.PAGES if page.shell_title}


def drawn_on(path: str, loaded) -> int:
    return charts_drawn(Path(path).stem, loaded)


def open_page(
    page: str, query: dict[str, list[str]] | None = None, *, sidebar: bool = False
) -> AppTest:
    """Run ``page`` with ``query``; ``sidebar``: with the sidebar's lazy sections open."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page)  # clears query parameters, as a page switch does in the browser
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if sidebar:
        open_sidebar(at)
    return at.run()


def charts(at: AppTest) -> list:
    return at.get("plotly_chart")


@pytest.mark.parametrize("page", PAGES)
def test_page_bundled_evidence_renders_without_exception(page, evidence_file, bundled):
    evidence_file(BUNDLED)
    at = open_page(page)
    assert not at.exception
    assert not at.error
    assert len(charts(at)) >= drawn_on(page, bundled)
    if page in TITLES:
        assert at.title[0].value == TITLES[page]


@pytest.mark.parametrize("page", PAGES)
def test_page_second_evidence_file_renders(page, evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page(page)
    assert not at.exception
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_page_file_without_evidence_says_so(page, evidence_file):
    evidence_file(FIXTURES / "valid_sparse.yaml")
    at = open_page(page)
    assert not at.exception
    assert not charts(at) or page == LANDING
    messages = " ".join(i.value for i in at.info)
    if page != LANDING:
        assert "has no" in messages


def test_overview_shows_title_and_every_setting_bottom_line(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/overview.py")
    assert at.title[0].value == "Zetamab in two imaginary settings"
    text = " ".join(m.value for m in at.markdown)
    assert "Zetamab doubled responses with manageable harm" in text
    assert "A setting with no cohorts yet" in text


def test_bad_file_shows_problem_table_not_traceback(evidence_file):
    evidence_file(FIXTURES / "bad_for_app.yaml")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "2 problems" in at.error[0].value
    table = shown(at.table[0].value)  # a plain HTML table: searchable, readable, copyable
    assert set(table["Code"]) == {"unknown_reference", "percent_out_of_range"}
    line = line_of(FIXTURES / "bad_for_app.yaml", "value: 140")
    assert table.set_index("Code").loc["percent_out_of_range", "Line"] == str(line)


def test_missing_file_shows_clear_error(evidence_file, tmp_path):
    evidence_file(tmp_path / "nope.yaml")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "there is no file at" in shown(at.table[0].value)["Problem"].iloc[0]


def test_filter_from_url_preselects_and_narrows(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    # Bound widgets keep their displayed labels in the URL.
    at = open_page("pages/response.py", {"setting": ["Relapsed disease X"]})
    assert at.multiselect(key="setting").value == ["relapsed"]
    spec = json.loads(charts(at)[0].proto.spec)
    # Row labels are annotations above the rows (yref y, y2, ...); panel titles are not.
    shown = {a["text"] for a in spec["layout"]["annotations"] if a.get("yref", "").startswith("y")}
    assert any(label.startswith("Series B") for label in shown)
    assert not any(label.startswith("Trial A") for label in shown)


def test_filter_widget_change_narrows_every_chart(evidence_file):
    # Writing the URL is the browser's job (see test_browser.py); here, the effect.
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/safety.py", sidebar=True)
    at.multiselect(key="reported").set_value(["primary"]).run()
    assert not at.exception
    assert not charts(at)
    assert "match the current filters" in at.info[0].value


def test_unknown_url_value_is_ignored_not_an_error(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/response.py", {"setting": ["No such setting"]}, sidebar=True)
    assert not at.exception
    assert at.multiselect(key="setting").value == []
    assert charts(at)


def test_filter_leaving_nothing_explains_what_to_change(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/response.py", {"setting": ["A setting with no cohorts yet"]})
    assert not charts(at)
    assert "match the current filters" in at.info[0].value
    at.button(key="clear_empty_response_rates").click().run()
    assert at.multiselect(key="setting").value == []
    assert charts(at)


def test_response_endpoint_picker_narrows_chart(evidence_file):
    evidence_file(BUNDLED)
    at = open_page("pages/response.py")
    before = len(json.loads(charts(at)[0].proto.spec)["data"])
    options = at.multiselect(key=state.endpoints_key("response")).options
    at.multiselect(key=state.endpoints_key("response")).set_value([options[0]]).run()
    assert not at.exception
    after = json.loads(charts(at)[0].proto.spec)
    assert len(after["data"]) < before


def test_chart_download_button_at_scale_three(evidence_file):
    evidence_file(BUNDLED)
    at = open_page("pages/safety.py")
    config = json.loads(charts(at)[0].proto.config)
    assert config["toImageButtonOptions"]["scale"] == 3
    assert config["toImageButtonOptions"]["format"] == "png"


def test_benefit_risk_verdict_cards_cite_numbers(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/benefit_risk.py")
    text = " ".join(m.value for m in at.markdown)
    assert "Trial A, zetamab arm · Overall response: 60%" in text.replace("\\", "")
    assert "24\\.5 mo" in text or "24.5 mo" in text


def test_sources_page_links_doi_and_pubmed(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/sources.py")
    table = at.dataframe[0].value
    row = table.set_index("Source").loc["Doe 2020"]
    assert row["DOI"] == "https://doi.org/10.1000/xyz123"
    assert row["PubMed"] == "https://pubmed.ncbi.nlm.nih.gov/12345678"


def test_time_to_event_page_hazard_ratio_chart(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/time_to_event.py")
    specs = [json.loads(c.proto.spec) for c in charts(at)]
    assert any(s["layout"]["xaxis"].get("type") == "log" for s in specs)


def test_evidence_path_from_command_line_argument(monkeypatch):
    monkeypatch.delenv("EVIDENCE_FILE", raising=False)
    monkeypatch.setattr("sys.argv", ["dashboard.py", "--evidence", "other.yaml"])
    assert state.evidence_path() == "other.yaml"
    monkeypatch.setattr("sys.argv", ["dashboard.py"])
    assert state.evidence_path() == str(BUNDLED)
    monkeypatch.setenv("EVIDENCE_FILE", "env.yaml")
    assert state.evidence_path() == "env.yaml"


def test_views_take_the_charts_in_page_order_wherever_they_are_declared(monkeypatch):
    # The presentation view, the deck and the files once followed CHARTS' order while the
    # offline page grouped by page: a chart declared out of place came in two orders.
    monkeypatch.setattr(registry, "CHARTS", (*registry.CHARTS[1:], registry.CHARTS[0]))
    order = {page.key: i for i, page in enumerate(registry.PAGES)}
    for use in ("presentation", "deck", "exports"):
        charts = registry.view_charts(use)
        assert charts[0] is registry.COVERAGE  # the landing page's grid, declared last
        assert [order[c.page] for c in charts] == sorted(order[c.page] for c in charts)


def test_presentation_view_one_chart_with_slide_controls(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["mode"] = "present"
    at.run()
    assert not at.exception
    # One chart per slide, drawn twice: large for a wide screen, as on a page for a narrow
    # one (the browser shows one of them; tests/test_browser.py checks which).
    wide, narrow = charts(at)
    assert narrow.key == f"{wide.key}_narrow"
    assert at.button(key="slide_previous").disabled
    layouts = [json.loads(chart.proto.spec)["layout"] for chart in (wide, narrow)]
    first = [layout["title"]["text"].replace("<br>", " ") for layout in layouts]
    assert first[0] == first[1]
    assert layouts[0]["template"]["layout"]["font"]["size"] >= 18
    assert layouts[1]["template"]["layout"]["font"]["size"] == looks.SCREEN.font
    at.button(key="slide_next").click().run()
    assert at.query_params["slide"] == "2"
    assert len(charts(at)) == 2
    second = json.loads(charts(at)[0].proto.spec)["layout"]["title"]["text"]
    assert first[0] != second.replace("<br>", " ")


def test_presentation_view_exit_returns_to_pages(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["mode"] = "present"
    at.run()
    at.button(key="exit").click().run()
    assert "mode" not in at.query_params
    assert at.title[0].value == "Zetamab in two imaginary settings"


def test_presentation_view_slide_out_of_range_clamped(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["mode"] = "present"
    at.query_params["slide"] = "999"
    at.run()
    assert not at.exception
    assert at.button(key="slide_next").disabled


def fingerprint(at: AppTest) -> str:
    """Everything a page shows that a filter could change: charts, tables, text."""
    parts = [c.proto.spec for c in charts(at)]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [m.value for m in at.markdown]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_page_setting_filter_changes_what_is_shown(page, evidence_file):
    evidence_file(BUNDLED)
    at = open_page(page, sidebar=True)
    before = fingerprint(at)
    label = at.multiselect(key="setting").options[-1]
    at.multiselect(key="setting").select(label).run()
    assert not at.exception
    assert at.multiselect(key="setting").value
    assert fingerprint(at) != before


def test_chart_offers_server_side_image_downloads(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/response.py", sidebar=True)
    keys = {b.key for b in at.get("download_button")}
    assert {"response_forest_png", "response_forest_svg", "response_forest_pdf"} <= keys
    assert "response_forest_csv" in keys
    builds = {b.key for b in at.button}
    assert {"build_deck", "build_html", "build_zip"} <= builds


def test_chart_csv_is_built_on_click_and_holds_the_rows_of_its_data_table(evidence_file):
    import io

    import pandas as pd

    from components import panels, registry
    from components.loaded import Filters, load_path

    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/response.py")
    assert "response_forest_csv" in {b.key for b in at.get("download_button")}
    spec = registry.chart("response_forest").specs(
        load_path(FIXTURES / "valid_minimal.yaml"), Filters()
    )[0]
    csv = pd.read_csv(io.BytesIO(panels._csv(spec)))
    assert list(csv.columns) == list(spec.display_table().columns)
    assert len(csv) == len(spec.table) > 0


def test_sources_page_shows_figures_of_chosen_source(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/sources.py")
    at.selectbox(key=state.KEY_SOURCE_FIGURES).select("trial_a").run()
    tables = [d.value for d in at.dataframe]
    assert set(tables[1]["Value as stated"]) == {"60%", "30%", "24.5 mo"}
    assert tables[2]["Measure"].tolist() == ["Hazard ratio"]
    assert "Toxicity looked alike in both arms\\." in " ".join(m.value for m in at.markdown)
    at.selectbox(key=state.KEY_SOURCE_FIGURES).select("series_b").run()
    assert set(at.dataframe[1].value["Value as stated"]) == {
        "up to 70%",
        "more than 50% (a majority)",
    }


def test_chart_data_table_built_only_when_opened(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/response.py")
    assert not at.dataframe  # the grid is not sent with the page
    at.session_state["response_forest_data"] = True
    at.run()
    shown = at.dataframe[0].value
    assert set(shown["Value as stated"]) == {"60%", "30%", "up to 70%"}


def chart_summaries(at: AppTest) -> list[str]:
    return [c.value.replace("\\", "") for c in at.caption if c.value.startswith("Chart “")]


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_has_a_one_sentence_summary_beside_it(page, evidence_file, bundled):
    evidence_file(BUNDLED)
    at = open_page(page)
    assert len(charts(at)) >= drawn_on(page, bundled)
    summaries = chart_summaries(at)
    assert len(summaries) == len(charts(at))
    for summary in summaries:
        assert "Data behind this chart" in summary
        # What is drawn and how many: figures, outcomes of a comparison, cohorts of the plane.
        assert re.search(r"”: \d+ (figure|outcome|cohort)s? ", summary), summary


def test_presentation_slide_has_its_summary(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["mode"] = "present"
    at.run()
    assert len(chart_summaries(at)) == 1


def test_chart_toolbar_has_no_share_to_cloud_button(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/response.py")
    config = json.loads(charts(at)[0].proto.config)
    assert config["showSendToCloud"] is False
    assert config["displaylogo"] is False


@pytest.mark.parametrize(
    "evidence", [BUNDLED, FIXTURES / "valid_sparse.yaml", FIXTURES / "valid_minimal.yaml"]
)
@pytest.mark.parametrize("page", PAGES)
def test_grids_leave_empty_cells_empty_and_are_named(page, evidence, evidence_file):
    # st.dataframe draws a missing value as "None" unless given a placeholder.
    evidence_file(evidence)
    at = open_page(page)
    for key in [k for k in at.session_state if str(k).endswith("_data")]:
        at.session_state[key] = True  # open every "Data behind this chart"
    at.run()
    assert not at.exception
    assert len(at.dataframe) >= len(charts(at))
    for grid in at.dataframe:
        assert grid.proto.HasField("placeholder")
        assert grid.proto.placeholder == ""
        assert grid.proto.alt


def test_sidebar_builds_the_offline_page_with_progress_then_offers_it(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/response.py", sidebar=True)
    assert "download_html" not in {b.key for b in at.get("download_button")}
    at.button(key="build_html").click().run()
    assert not at.exception
    # The progress took the clicked button's place (where the eye is); the others stay
    shown = {b.key for b in at.sidebar.button}
    assert "build_html" not in shown
    assert {"build_deck", "build_zip"} <= shown
    bars = at.get("progress")
    assert bars  # the bar drawn under the status line while it was built
    assert bars[-1].proto.value == 100  # finished
    ready = {b.key: b for b in at.get("download_button")}
    assert "download_html" in ready  # in the same run, under the finished status
    assert ready["download_html"].proto.disabled is False
    at.run()  # the next run offers it in the button's place, without building again
    assert "download_html" in {b.key for b in at.get("download_button")}
    assert "build_html" not in {b.key for b in at.button}
    assert not at.get("progress")
    at.multiselect(key="setting").select(at.multiselect(key="setting").options[0]).run()
    assert "build_html" in {b.key for b in at.button}  # another view: build it again


def test_landing_sidebar_draws_its_rarely_used_parts_only_when_opened(evidence_file):
    # Issue 19: the first chart no longer waits on the browser drawing five filters, an
    # uploader and six downloads; each is one click away, under its expander.
    evidence_file(BUNDLED)
    at = AppTest.from_file(APP, default_timeout=60).run()
    labels = [e.label for e in at.sidebar.expander]
    assert labels == ["Use your own evidence", "Filters", "Export this view"]
    assert not at.multiselect
    assert not at.file_uploader
    assert not [b for b in at.sidebar.button if b.key and b.key.startswith("build_")]
    open_sidebar(at).run()
    assert len(at.multiselect) == 5
    assert len(at.file_uploader) == 1
    assert {"build_deck", "build_html", "build_zip"} <= {b.key for b in at.sidebar.button}


def test_link_with_a_filter_opens_the_filters_and_they_stay_open_when_cleared(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/response.py", {"setting": ["Relapsed disease X"]})
    assert at.multiselect(key="setting").value == ["relapsed"]
    at.button(key="clear_filters").click().run()
    assert at.multiselect(key="setting").value == []  # still drawn: the expander stayed open
    assert "setting" not in at.query_params


def literal_keys(source: str) -> list[int]:
    """Lines spelling a widget key as a string: ``key="..."``, ``key=f"..."``, st.form("...")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        named = [k.value for k in node.keywords if k.arg == "key"]
        if isinstance(node.func, ast.Attribute) and node.func.attr == "form" and node.args:
            named.append(node.args[0])
        found += [v.lineno for v in named if isinstance(v, ast.Constant | ast.JoinedStr)]
    return found


def test_pages_spell_no_widget_key_themselves():
    # Widget keys double as URL parameters and session-state names: each is named once, in
    # components/state.py, so that a page and the code reading its widget cannot disagree.
    assert literal_keys('st.selectbox("A", [], key="a")\nst.form(f"f{x}")') == [1, 2]
    offenders = {
        path.name: lines
        for path in sorted((ROOT / "pages").glob("*.py"))
        if (lines := literal_keys(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_a_failed_export_says_why_and_offers_its_button_again(evidence_file, monkeypatch):
    # The progress takes the clicked button's place; when the build fails, the reason shows
    # and the button comes back under it, in the same run, to try again.
    from components.export import html
    from components.export.render import ExportUnavailable

    def broken(*args: object, **kwargs: object) -> bytes:
        raise ExportUnavailable("Chromium stopped while rendering (a test's failure)")

    monkeypatch.setattr(html, "view_html", broken)
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_page("pages/response.py", sidebar=True)
    at.button(key="build_html").click().run()
    assert not at.exception
    assert any("a test's failure" in error.value for error in at.error)
    assert "build_html" in {b.key for b in at.sidebar.button}
    assert "download_html" not in {b.key for b in at.get("download_button")}
