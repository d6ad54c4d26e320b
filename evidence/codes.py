"""The closed set of problem codes a loaded file can get (docs/error-codes.md lists them).

A code is stable: scripts and tests match on it, people read the message beside it. Every
problem the loader, the models or a reader reports carries one of these; a validation error
that no code describes is reported as ``invalid_value``, never as a new, undocumented word.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """A problem code, with what it means (``Code.X.description``)."""

    description: str

    def __new__(cls, value: str, description: str) -> Code:
        """A member whose value is the code and which carries its description."""
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    # Reading the file
    FILE_NOT_FOUND = "file_not_found", "There is no file at the path given."
    NOT_A_FILE = "not_a_file", "The path names a folder, not a file."
    UNREADABLE = "unreadable", "The file exists but cannot be read (permissions)."
    TOO_LARGE = "too_large", "The file is larger than the limit (50 MB on disk, 2 MB uploaded)."
    BINARY_FILE = "binary_file", "The file contains NUL bytes: it is binary, not YAML text."
    NOT_UTF8 = "not_utf8", "The file is not UTF-8 text; the byte that cannot be decoded is named."
    EMPTY_FILE = "empty_file", "The file has no content, or only comments."
    # YAML structure
    YAML_SYNTAX = "yaml_syntax", "The YAML cannot be parsed; the message says where and why."
    TAB_INDENTATION = "tab_indentation", "A tab is used for indentation; YAML needs spaces."
    TOO_DEEP = "too_deep", "The file nests deeper than 64 levels."
    ALIAS_LIMIT = "alias_limit", "Anchors and aliases expand to more than 10,000 values."
    UNSAFE_TAG = "unsafe_tag", "A YAML tag such as !!python/object is used; only plain values."
    BAD_KEY = "bad_key", "A mapping key is a list or a mapping instead of a plain word."
    MERGE_KEY = "merge_key", "A merge key ('<<') is used; write the fields out instead."
    DUPLICATE_KEY = "duplicate_key", "A key appears twice in one mapping."
    NOT_A_MAPPING = "not_a_mapping", "The file holds a list or a single value, not a mapping."
    # Fields
    UNSUPPORTED_FORMAT = "unsupported_format", "The `format` is not one this dashboard reads (1)."
    MISSING_FIELD = "missing_field", "A required field is missing."
    UNKNOWN_FIELD = "unknown_field", "A field the format does not have (often a typo)."
    NOT_ALLOWED = "not_allowed", "A word that is not in the field's vocabulary."
    WRONG_TYPE = "wrong_type", "A value of the wrong kind (text for a number, a list for text)."
    WRONG_LENGTH = "wrong_length", "A list with too few or too many items (a ci needs two)."
    OUT_OF_RANGE = "out_of_range", "A number outside the field's range (a negative n)."
    BAD_TEXT = "bad_text", "Text that is empty or too long for its field."
    BAD_ID = "bad_id", "An id that is not lower-case letters, digits, '-' and '_'."
    BAD_DOI = "bad_doi", "A doi that does not look like 10.1056/NEJMoa070596."
    BAD_URL = "bad_url", "A url that is not an http(s) link."
    BAD_PMID = "bad_pmid", "A pmid that is not digits only."
    BAD_NCT = "bad_nct", "An nct that is not a registry id like NCT00056160."
    INVALID_VALUE = "invalid_value", "Any other invalid value; the message says what is wrong."
    # Rules across fields
    DUPLICATE_ID = "duplicate_id", "An id used twice in one list."
    UNKNOWN_REFERENCE = "unknown_reference", "A reference to an id (or rests_on key) not defined."
    DUPLICATE_RESULT = "duplicate_result", "A second result for the same cohort and endpoint."
    PERCENT_OUT_OF_RANGE = "percent_out_of_range", "A percent value outside 0 to 100."
    EVENTS_EXCEED_N = "events_exceed_n", "More events than patients."
    VALUE_DISAGREES_WITH_EVENTS = (
        "value_disagrees_with_events",
        "An exact percent more than 1 point away from events / n (a typo check).",
    )
    CI_ORDER = "ci_order", "A ci whose low end is above its high end."
    CI_EXCLUDES_VALUE = "ci_excludes_value", "A ci that does not contain its value."
    SELF_COMPARISON = "self_comparison", "A comparison of a cohort with itself."
    CROSS_SOURCE_COMPARISON = (
        "cross_source_comparison",
        "A comparison between cohorts of two different sources.",
    )
    RATIO_NOT_POSITIVE = "ratio_not_positive", "A ratio measure that is zero or negative."
    BAD_RESTS_ON = "bad_rests_on", "A rests_on entry that is not of the form cohort/endpoint."
    # Workbooks (.xlsx): the file, then its cells
    NOT_XLSX = "not_xlsx", "The file is not an Excel .xlsx workbook (or its zip is damaged)."
    MACRO_WORKBOOK = "macro_workbook", "A macro-enabled workbook (.xlsm): save it as .xlsx."
    ZIP_BOMB = "zip_bomb", "The workbook unpacks to far more than it weighs: refused unread."
    TOO_MANY_ROWS = "too_many_rows", "A sheet has more rows than a workbook may have (5,000)."
    TOO_MANY_COLUMNS = "too_many_columns", "A sheet has more columns than it may have (60)."
    TOO_MANY_CELLS = "too_many_cells", "The workbook has more cells than are read (20,000)."
    FORMULA_CELL = "formula_cell", "A cell holds a formula; type its value (never evaluated)."
    ERROR_CELL = "error_cell", "A cell holds a spreadsheet error such as #DIV/0!."
    UNKNOWN_SHEET = "unknown_sheet", "A sheet the format does not have (often a typo)."
    NO_NAME = "no_name", "A value without a field name or column header."
    NOT_STORABLE = "not_storable", "Text with a character no .xlsx cell can hold (writing)."
    # Registry records (python -m evidence import-ctgov, or an uploaded .json / .xml)
    RECORD_SYNTAX = (
        "record_syntax",
        "A registry record that is not JSON or XML, or is cut short; the message says where.",
    )
    NOT_A_RECORD = (
        "not_a_record",
        "JSON or XML that is not a ClinicalTrials.gov study record (API v2 or classic XML).",
    )
    NO_RESULTS = "no_results", "A registry record without posted results, or none that maps."
    UNSAFE_XML = "unsafe_xml", "XML with a DOCTYPE or entity declarations: refused unread."
    # Reporting
    TOO_MANY = "too_many", "More than 500 problems: the rest are counted, not listed."
