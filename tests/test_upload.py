from __future__ import annotations

import re

import pytest
from conftest import APP, BUNDLED, FIXTURES, line_of, open_sidebar, shown
from streamlit.testing.v1 import AppTest

from components import registry, state
from components.panels import md
from evidence.loader import load_evidence, parse_evidence
from evidence.workbook import XLSX_MIME

PAGES = [page.path for page in registry.PAGES]


def app(evidence_file) -> AppTest:
    evidence_file(BUNDLED)
    return open_sidebar(AppTest.from_file(APP, default_timeout=60)).run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "application/x-yaml"))
    return at.run()


def title(at: AppTest) -> str:
    return at.title[0].value


def test_upload_valid_file_replaces_evidence_on_every_page(evidence_file):
    at = app(evidence_file)
    bundled_title = title(at)
    at = upload(at, "mine.yaml", (FIXTURES / "valid_minimal.yaml").read_bytes())
    assert not at.exception
    assert title(at) == "Zetamab in two imaginary settings"
    assert title(at) != bundled_title
    at.switch_page("pages/sources.py").run()
    assert "Doe 2020" in set(at.dataframe[0].value["Source"])
    assert "Your file: mine\\.yaml" in " ".join(c.value for c in at.sidebar.caption)


def test_upload_clear_returns_to_bundled_evidence(evidence_file):
    at = app(evidence_file)
    bundled_title = title(at)
    at = upload(at, "mine.yaml", (FIXTURES / "valid_minimal.yaml").read_bytes())
    at.button(key="clear_upload").click().run()
    assert title(at) == bundled_title
    assert not at.exception


def test_upload_invalid_file_shows_problems_and_keeps_evidence(evidence_file):
    at = app(evidence_file)
    bundled_title = title(at)
    at = upload(at, "broken.yaml", (FIXTURES / "bad_for_app.yaml").read_bytes())
    assert not at.exception
    assert title(at) == bundled_title
    assert "was not loaded: 2 problems" in at.error[0].value
    problems = shown(at.table[0].value)  # a plain HTML table: searchable, readable, copyable
    lines = [line_of(FIXTURES / "bad_for_app.yaml", t) for t in ("source: nowhere", "value: 140")]
    assert problems["Line"].tolist() == [str(n) for n in lines]
    assert problems["Location"].tolist() == ["cohorts[0].source", "results[0].value"]
    at.button(key="dismiss_upload_error").click().run()
    assert not at.error


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x00\x01binary", "binary_file"),
        (b"format: 1\ntitle: [unclosed\n", "yaml_syntax"),
        (b"- a list\n", "not_a_mapping"),
        (b"", "empty_file"),
        (
            b"a: &a [1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
            "alias_limit",
        ),
        (b"x: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "unsafe_tag"),
    ],
)
def test_upload_hostile_bytes_refused_cleanly(evidence_file, data, code):
    at = app(evidence_file)
    at = upload(at, "x.yaml", data)
    assert not at.exception
    assert code in set(shown(at.table[0].value)["Code"])


def test_upload_over_two_megabytes_refused_before_parsing(evidence_file):
    at = app(evidence_file)
    data = b"# " + b"x" * (state.UPLOAD_MAX_BYTES + 10)
    at = upload(at, "big.yaml", data)
    assert not at.exception
    assert shown(at.table[0].value)["Code"].tolist() == ["too_large"]


def test_upload_in_one_session_not_seen_by_another(evidence_file):
    first = app(evidence_file)
    bundled_title = title(first)
    first = upload(first, "mine.yaml", (FIXTURES / "valid_minimal.yaml").read_bytes())
    second = AppTest.from_file(APP, default_timeout=60).run()
    assert title(first) == "Zetamab in two imaginary settings"
    assert title(second) == bundled_title


def test_upload_resets_filters_that_name_old_settings(evidence_file):
    at = app(evidence_file)
    first_setting = at.multiselect(key="setting").options[0]
    at.multiselect(key="setting").select(first_setting).run()
    at = upload(at, "mine.yaml", (FIXTURES / "valid_minimal.yaml").read_bytes())
    assert not at.exception
    assert at.multiselect(key="setting").value == []


UNESCAPED_TAG = re.compile(r"(?<!\\)<(script|img|iframe|svg|a |b |style)", re.IGNORECASE)


@pytest.mark.parametrize("page", PAGES)
def test_hostile_text_renders_inert_on_every_page(evidence_file, page):
    evidence_file(FIXTURES / "hostile.yaml")
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page).run()
    assert not at.exception
    texts = [
        e.value
        for kind in ("markdown", "caption", "title", "header", "subheader")
        for e in getattr(at, kind)
    ]
    for text in texts:
        assert not UNESCAPED_TAG.search(text), text
        assert "](javascript" not in text, text  # an escaped \]\( is no link
    for chart in at.get("plotly_chart"):
        spec = chart.proto.spec
        for tag in ("<script", "<img", "<svg"):
            assert tag not in spec
        assert "&lt;img src=x" in spec or "&lt;svg" in spec or "&lt;u&gt;" in spec


def minimal_workbook() -> bytes:
    from evidence.workbook import write_workbook

    return write_workbook(load_evidence(FIXTURES / "valid_minimal.yaml"))


def test_upload_valid_workbook_is_used_and_offered_back_as_yaml(evidence_file):
    at = app(evidence_file)
    at.file_uploader[0].set_value(("mine.xlsx", minimal_workbook(), XLSX_MIME))
    at.run()
    assert not at.exception
    assert title(at) == "Zetamab in two imaginary settings"
    keys = {b.key for b in at.get("download_button")}
    assert "download_as_yaml" in keys
    from components.sidebar import _as_yaml

    uploaded = at.session_state[state.SESSION_UPLOADED]
    back = _as_yaml(uploaded).decode()
    assert parse_evidence(back.encode()) == load_evidence(FIXTURES / "valid_minimal.yaml")


def test_upload_workbook_with_a_wrong_cell_names_the_cell(evidence_file):
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(minimal_workbook()))
    sheet = book["results"]
    headers = [c.value for c in sheet[1]]
    column = headers.index("value") + 1
    sheet.cell(row=2, column=column, value="sixty")
    data = io.BytesIO()
    book.save(data)
    at = app(evidence_file)
    bundled = title(at)
    at.file_uploader[0].set_value(("broken.xlsx", data.getvalue(), XLSX_MIME))
    at.run()
    assert not at.exception
    assert title(at) == bundled  # the evidence shown is unchanged
    problems = shown(at.table[0].value)
    assert problems["Cell"].tolist() == [f"results!{chr(ord('A') + column - 1)}2"]
    assert problems["Code"].tolist() == ["wrong_type"]
    assert "sixty" in problems["Problem"].iloc[0]


def test_upload_macro_workbook_refused_with_its_reason(evidence_file):
    at = app(evidence_file)
    at.file_uploader[0].set_value(("macros.xlsm", minimal_workbook(), XLSX_MIME))
    at.run()
    assert not at.exception
    assert shown(at.table[0].value)["Code"].tolist() == ["macro_workbook"]


def test_template_workbook_offered_beside_template_and_schema(evidence_file):
    at = app(evidence_file)
    keys = [b.key for b in at.sidebar.get("download_button")]
    assert {"download_template", "download_template_workbook", "download_schema"} <= set(keys)
    from components.sidebar import _template_workbook
    from evidence.workbook import read_workbook

    template = read_workbook(_template_workbook(), "template.xlsx", max_bytes=2 * 1024 * 1024)
    assert template.title


def test_upload_problem_table_shows_markdown_in_the_file_as_typed(evidence_file):
    # st.table reads cells as Markdown: a value from the file must not become a link or bold.
    typed = "**bold** [click](https://example.org) _it_"
    data = (FIXTURES / "bad_for_app.yaml").read_text(encoding="utf-8")
    at = app(evidence_file)
    at = upload(at, "md.yaml", data.replace("source: nowhere", f'source: "{typed}"').encode())
    assert not at.exception
    sent = at.table[0].value
    assert md(typed) in set(sent["Value"])
    assert typed in set(shown(sent)["Value"])


CTGOV = FIXTURES / "ctgov"


@pytest.mark.parametrize(
    ("name", "nct"), [("v2_record.json", "NCT01234567"), ("classic_record.xml", "NCT07654321")]
)
def test_upload_registry_record_is_imported_and_offered_as_yaml_and_workbook(
    evidence_file, name, nct
):
    at = app(evidence_file)
    at.file_uploader[0].set_value((name, (CTGOV / name).read_bytes(), "application/json"))
    at.run()
    assert not at.exception
    assert f"registry record {nct}" in title(at).replace("\\", "")
    keys = {b.key for b in at.get("download_button")}
    assert {"download_as_yaml", "download_as_workbook"} <= keys
    from components.sidebar import _as_workbook, _as_yaml
    from evidence.workbook import read_workbook

    uploaded = at.session_state[state.SESSION_UPLOADED]
    assert uploaded.skipped  # each fixture has something the format cannot hold
    assert parse_evidence(_as_yaml(uploaded)) == uploaded.evidence
    back = read_workbook(_as_workbook(uploaded), "x.xlsx", max_bytes=state.UPLOAD_MAX_BYTES)
    assert back == uploaded.evidence


@pytest.mark.parametrize("page", PAGES)
def test_upload_registry_record_renders_every_page(evidence_file, page):
    at = app(evidence_file)
    data = (CTGOV / "v2_record.json").read_bytes()
    at.file_uploader[0].set_value(("v2_record.json", data, "application/json"))
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert not at.error


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("bad_truncated.json", "record_syntax"),
        ("bad_no_results.xml", "no_results"),
        ("bad_doctype.xml", "unsafe_xml"),
        ("bad_wrong_type.json", "wrong_type"),
    ],
)
def test_upload_bad_registry_record_shows_what_and_where(evidence_file, name, code):
    at = app(evidence_file)
    bundled_title = title(at)
    at.file_uploader[0].set_value((name, (CTGOV / name).read_bytes(), "application/json"))
    at.run()
    assert not at.exception
    assert title(at) == bundled_title
    assert code in set(shown(at.table[0].value)["Code"])


def test_upload_registry_record_over_two_megabytes_refused(evidence_file):
    at = app(evidence_file)
    data = b'{"x": "' + b"x" * (state.UPLOAD_MAX_BYTES + 10) + b'"}'
    at.file_uploader[0].set_value(("big.json", data, "application/json"))
    at.run()
    assert not at.exception
    assert shown(at.table[0].value)["Code"].tolist() == ["too_large"]
