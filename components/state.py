"""The cached evidence loader, the caches of what pages draw, this session's state and its keys.

Filters, upload, slides, page widgets, baseline risks and the journal-club appraisal.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from components import compare
from components.choices import (
    ComparisonChoice,
    EndpointChoice,
    PlaneChoice,
    ProfileChoice,
    is_personal,
)
from components.compare import Comparison
from components.loaded import (
    BUNDLED_EVIDENCE,
    FILTER_KEYS,
    Filters,
    LoadedEvidence,
    data_version,
    load,
    load_bytes,
    load_path,
)
from components.looks import SCREEN, Look
from components.registry import Chart
from components.specs import ChartSpec
from evidence import effects as fx
from evidence import vocabulary
from evidence.grade import baseline_percent
from evidence.loader import EvidenceError
from evidence.models import Evidence

EVIDENCE_ENV = "EVIDENCE_FILE"
T = TypeVar("T")
C = TypeVar("C")
P = ParamSpec("P")

# Filter widgets use the filters' keys (components/loaded.py FILTERS), which double as URL
# query parameter names (bind="query-params").

# Presentation view: ?mode=present&slide=N (plain query parameters, set by callbacks).
KEY_MODE = "mode"
MODE_PRESENT = "present"
KEY_SLIDE = "slide"
KEY_PRESENT_TOGGLE = "present_toggle"

# An uploaded evidence file lives only in this browser session's state: never on disk, never
# in a cache shared between sessions.
KEY_UPLOAD = "evidence_upload"
# The sidebar's filters, uploader and view exports are drawn only while their expander is
# open (issue 19: the landing page's first chart waited on the browser drawing them).
KEY_FILTERS = "filters_open"
KEY_OWN_EVIDENCE = "own_evidence"
KEY_EXPORT_VIEW = "export_view"
SESSION_UPLOADED = "uploaded_evidence"
SESSION_UPLOAD_ERROR = "upload_error"
SESSION_UPLOAD_NONCE = "upload_nonce"
UPLOAD_MAX_BYTES = 2 * 1024 * 1024

# Page widgets. Those bound to the URL (bind="query-params") are the view's shareable state:
# their keys are URL parameters too, and renaming one breaks the links people have kept.
KEY_COMPARISON = "comparison"  # URL: the within-study comparison (Compare regimens)
KEY_COHORTS = "cohorts"  # URL: the cohorts set side by side (Compare regimens)
KEY_PLANE_HARM = "plane_harm"  # URL: the plane's x axis (Benefit-risk)
KEY_PLANE_BENEFIT = "plane_benefit"  # URL: the plane's y axis (Benefit-risk)
KEY_SOURCE_FIGURES = "source_figures"  # URL: the source whose figures are listed (Sources)
KEY_SOF_CSV = "sof_csv"
KEY_BESIDE_RESPONSE_CSV = "dose_modification_beside_csv"
KEY_SOURCES_CSV = "sources_csv"


def endpoints_key(page: str) -> str:
    """The widget key and URL parameter of a page's endpoint picker (``response_endpoints``)."""
    return f"{page}_endpoints"


def other_units_key(page: str) -> str:
    """The key of a page's table of figures in other units (and the stem of its CSV)."""
    return f"{page}_other"


def open_section(key: str) -> None:
    """Open the lazily drawn sidebar section ``key`` the first time it is drawn.

    Its state is the user's from then on. (An ``expanded`` default that follows the filters
    would be part of the expander's identity: clearing them made a new, closed expander.)
    """
    if key not in st.session_state:
        st.session_state[key] = True


def evidence_path() -> str:
    """The evidence file to show: $EVIDENCE_FILE, then ``-- --evidence PATH``, then the bundled."""
    env = os.environ.get(EVIDENCE_ENV)
    if env:
        return env
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--evidence")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return str(known.evidence) if known.evidence else str(BUNDLED_EVIDENCE)


# cache_resource, not cache_data: measured, unpickling a fresh copy of the frames on every
# call cost 9-35 ms per page run. They are shared read-only (frozen; nothing mutates the
# frames). Only files on disk are cached here; an upload never enters a shared cache.
@st.cache_resource(show_spinner=False, max_entries=4)
def _cached_evidence(path: str, mtime_ns: int, size: int) -> LoadedEvidence:
    # mtime and size are part of the cache key so that editing the file invalidates it.
    del mtime_ns, size
    return load_path(path)


def get_loaded() -> LoadedEvidence:
    """The evidence of this session: its upload if any, else the file on disk (cached).

    Raises EvidenceError when the file on disk is invalid.
    """
    uploaded = st.session_state.get(SESSION_UPLOADED)
    if isinstance(uploaded, LoadedEvidence):
        return uploaded
    path = evidence_path()
    try:
        stat = Path(path).stat()
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (0, 0)  # the loader reports the missing file with a clear message
    return _cached_evidence(path, *key)


def current_filters() -> Filters:
    """The filters as the sidebar widgets hold them."""
    return Filters(tuple((key, tuple(st.session_state.get(key) or ())) for key in FILTER_KEYS))


def page_view() -> tuple[LoadedEvidence, Filters]:
    """What a page draws: this session's evidence and filters."""
    route_through_shell()
    return get_loaded(), current_filters()


def reset_filters() -> None:
    """Clear every filter (a button callback)."""
    for key in FILTER_KEYS:
        st.session_state[key] = []


def uploader_key() -> str:
    """The uploader's widget key; a new key empties the widget (used when clearing)."""
    return f"{KEY_UPLOAD}_{st.session_state.get(SESSION_UPLOAD_NONCE, 0)}"


def on_upload() -> None:
    """Uploader callback: validate the file and use it for this session only.

    A valid file replaces the evidence of this session; an invalid one leaves the current
    evidence in place and keeps its problems for the page to show.
    """
    file = st.session_state.get(uploader_key())
    if file is None:  # the user removed the file: back to the file on disk
        clear_upload()
        return
    data = file.getvalue()
    try:
        loaded = load_bytes(data, file.name, max_bytes=UPLOAD_MAX_BYTES)
    except EvidenceError as error:
        st.session_state[SESSION_UPLOAD_ERROR] = error
        return
    st.session_state[SESSION_UPLOADED] = loaded
    st.session_state.pop(SESSION_UPLOAD_ERROR, None)
    st.session_state.pop(SESSION_APPRAISAL_ERROR, None)  # it was about the evidence replaced
    reset_filters()  # the old selections name settings the new file may not have


def clear_upload() -> None:
    """Return this session to the evidence file on disk."""
    st.session_state.pop(SESSION_UPLOADED, None)
    st.session_state.pop(SESSION_UPLOAD_ERROR, None)
    st.session_state.pop(SESSION_APPRAISAL_ERROR, None)
    st.session_state[SESSION_UPLOAD_NONCE] = st.session_state.get(SESSION_UPLOAD_NONCE, 0) + 1
    reset_filters()


def upload_error() -> EvidenceError | None:
    """The problems of the last refused upload, if any."""
    error = st.session_state.get(SESSION_UPLOAD_ERROR)
    return error if isinstance(error, EvidenceError) else None


def dismiss_upload_error() -> None:
    """Forget the last refused upload's problems (a button callback)."""
    st.session_state.pop(SESSION_UPLOAD_ERROR, None)


def is_uploaded(loaded: LoadedEvidence) -> bool:
    """Whether ``loaded`` is this session's upload rather than the file on disk."""
    return st.session_state.get(SESSION_UPLOADED) is loaded


def is_presenting() -> bool:
    """Whether the presentation view is on (``?mode=present``)."""
    return st.query_params.get(KEY_MODE) == MODE_PRESENT


def on_present_toggle() -> None:
    """Sidebar toggle callback: turn the presentation view on or off."""
    set_presenting(bool(st.session_state.get(KEY_PRESENT_TOGGLE)))


def set_presenting(on: bool) -> None:
    """Turn the presentation view on (from the first slide) or off."""
    if on:
        st.query_params[KEY_MODE] = MODE_PRESENT
        st.query_params[KEY_SLIDE] = "1"
    else:
        for key in (KEY_MODE, KEY_SLIDE):
            if key in st.query_params:
                del st.query_params[key]


def current_slide(count: int) -> int:
    """The 1-based slide in the URL, clamped to ``1..count``."""
    try:
        slide = int(st.query_params.get(KEY_SLIDE, "1"))
    except ValueError:
        slide = 1
    return min(max(slide, 1), max(count, 1))


def go_to_slide(slide: int) -> None:
    """Move to a slide (a button callback)."""
    st.query_params[KEY_SLIDE] = str(slide)


def route_through_shell() -> None:
    """Rerun through dashboard.py when Streamlit ran a page file on its own.

    Streamlit treats a folder named ``pages/`` as an old-style multipage app until the entry
    script has called ``st.navigation`` once in the server process: a deep link opened first
    after a restart would run the page file alone, without the shell (sidebar, page settings).
    Streamlit has no public setting for this (checked in 1.67), so the private class flag is
    cleared here, the one place that touches it; tests/test_browser.py opens a deep link first
    after a restart to prove the route.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


SESSION_EXPORTS = "view_exports"
"""The last deck, offline page and ZIP built in this session, each with the view it shows."""
SESSION_EXPORT_ASKED = "view_export_asked"
"""Which of them a click asked to build (set by the button's callback, taken by the build)."""
# --------------------------------------------------------------------------- caches
# What pages draw is kept in Streamlit's own caches, two kinds:
# - per process (scope "global"): the bundled file's evidence and the specs of its charts,
#   the same for every session and read-only;
# - per session (scope "session"): an upload's specs, specs drawn at a reader's own baseline
#   risks, and the tables a page builds itself. Streamlit drops them when the session ends;
#   no other session can reach them, and nothing is written to disk.
# st.cache_resource, not st.cache_data (which has scope="session" too in 1.67): cache_data
# unpickles a fresh copy on every hit, measured 7-25 ms per chart's specs on the bundled file,
# more than a warm page run takes. What is returned is shared read-only instead. Evidence is
# hashed by its name and data version (a hash of the file's content), never by pickling its
# frames; a comparison by its key, which with the evidence fixes all its fields; filters and
# choices by their repr, exact for the strings, numbers and tuples they hold. Streamlit hashes
# a dataclass field by field: 0.1-0.4 ms a call, 2 ms a run of Compare regimens.
_HASH_FUNCS: dict[type[Any] | str, Callable[[Any], Any]] = {
    LoadedEvidence: lambda loaded: (loaded.name, loaded.data_version),
    Comparison: lambda comparison: comparison.key,
    Filters: repr,
    **dict.fromkeys((ComparisonChoice, EndpointChoice, PlaneChoice, ProfileChoice), repr),
}
SHARED_SPEC_ENTRIES = 64
SESSION_SPEC_ENTRIES = 32
SESSION_TABLE_ENTRIES = 8  # per table builder, per session


def per_session(build: Callable[P, T]) -> Callable[P, T]:
    """``build`` cached in this session, per arguments (the last SESSION_TABLE_ENTRIES).

    Figures cost 100+ ms to build, a page's tables 10-30 ms, and reruns (a click, an
    expander, a page revisited) ask for the same ones. The cache is this session's: an
    uploaded file's tables are never shared with another session. Arguments must be
    hashable by Streamlit (evidence, filters, choices, comparisons, ids); what it returns is
    shared by the session's reruns: treat it as read-only.
    """
    return st.cache_resource(
        scope="session",
        max_entries=SESSION_TABLE_ENTRIES,
        show_spinner=False,
        hash_funcs=_HASH_FUNCS,
    )(build)


def memo_specs(
    chart: Chart[C],
    loaded: LoadedEvidence,
    filters: Filters,
    choice: C | None = None,
    *,
    look: Look = SCREEN,
) -> list[ChartSpec]:
    """A chart's specs, built once per (evidence, filters, look, choice; default: the chart's).

    The file on disk's are shared by every session (its landing chart then waits on no
    figure); an upload's, and those drawn at a reader's own baseline risks, are built once in
    their session only.
    """
    chosen = chart.default if choice is None else choice
    # A reader's own baseline risks are free-form URL values: kept in their session, so that
    # nobody can churn the shared entries (the landing chart's among them) with them.
    private = is_uploaded(loaded) or is_personal(chosen)
    cached = _session_specs if private else _shared_specs
    # By keyword: Streamlit looks up the name of each positional argument (inspect.signature,
    # a third of a cache hit's time).
    return cached(
        chart_key=chart.key,
        look_name=look.name,
        loaded=loaded,
        filters=filters,
        choice=chosen,
        _chart=chart,
        _look=look,
    )


# --------------------------------------------------------------------------- baseline risks

# One URL parameter per outcome (``?baseline_orr=10``), bound to its number input: a copied
# link reproduces the baseline risks; an empty input (the comparator's risk) leaves the URL.
KEY_BASELINE_PREFIX = "baseline_"
KEY_SOF_TABLES = "sof_tables"  # the container of the summary-of-findings tables
KEY_BASELINE_BOX = "your_baseline_risks"  # their container (not "baseline_": no endpoint's)


def baseline_key(endpoint: str) -> str:
    """The widget key and URL parameter of one outcome's baseline risk."""
    return f"{KEY_BASELINE_PREFIX}{endpoint}"


def url_baselines() -> tuple[tuple[str, float], ...]:
    """The baseline risks in the URL, by endpoint (the view's; the exports follow them).

    A value that is not a percentage from 0 to 100 is ignored, as the page's input does.
    """
    found = []
    for key in st.query_params:
        if not key.startswith(KEY_BASELINE_PREFIX):
            continue
        value = baseline_percent(st.query_params[key])
        if value is not None:
            found.append((key.removeprefix(KEY_BASELINE_PREFIX), value))
    return tuple(sorted(found))


@per_session
def baseline_outcomes(
    loaded: LoadedEvidence, comparison: Comparison
) -> dict[str, tuple[str, float]]:
    """The outcomes of a comparison that take a baseline risk: endpoint -> (label, comparator %).

    Only computed risk ratios between contrasted groups: never medians, landmarks, reported
    hazard ratios or groups formed after treatment (effects.with_baseline's rule). Cached in
    the session (per_session).
    """
    rows = compare.with_pairs(loaded.effects)
    rows = rows[
        (rows[compare.PAIR] == comparison.key)
        & (rows[fx.BASIS] != fx.BASIS_REPORTED)
        & rows[fx.CONTRASTED]
        & rows[fx.RATIO].notna()
    ]
    return {
        str(row[fx.ENDPOINT]): (str(row[fx.ENDPOINT_LABEL]), float(row[fx.VERSUS_VALUE]))
        for row in rows.to_dict("records")
    }


# --------------------------------------------------------------------------- appraisal


@per_session
def comparison_outcomes(loaded: LoadedEvidence, comparison: Comparison) -> dict[str, str]:
    """Every outcome of a comparison (computed or reported): endpoint id -> label (per session)."""
    rows = compare.with_pairs(loaded.effects)
    rows = rows[rows[compare.PAIR] == comparison.key]
    return dict(
        zip(rows[fx.ENDPOINT].astype(str), rows[fx.ENDPOINT_LABEL].astype(str), strict=True)
    )


# The journal-club form on the Compare regimens page: one rating and reason per judged domain
# (vocabulary.DOMAIN), the outcome it is about and who judged.
KEY_APPRAISAL_EXPANDER = "appraisal_expander"
KEY_APPRAISAL_FORM = "appraisal_form"
KEY_APPRAISAL_RATING = "appraisal_rating"  # + "_<domain>"
KEY_APPRAISAL_REASON = "appraisal_reason"  # + "_<domain>"
KEY_APPRAISAL_OUTCOME = "appraisal_outcome"
KEY_APPRAISAL_BY = "appraisal_by"
KEY_APPRAISAL_RECORD = "appraisal_record"
KEY_APPRAISAL_YAML = "appraisal_yaml"
KEY_APPRAISAL_WORKBOOK = "appraisal_workbook"
SESSION_APPRAISAL_ERROR = "appraisal_error"
APPRAISAL_SUFFIX = " + appraisal"
REASON_MAX_CHARS = 300


def appraisal_key(prefix: str, domain: str) -> str:
    """The key of one domain's widget in the appraisal form (rating or reason)."""
    return f"{prefix}_{domain}"


def domain_ratings(domain: str) -> tuple[str, ...]:
    """The rating words that fit a domain: up for rate_up, down for the others."""
    up = domain == "rate_up"
    return tuple(
        word
        for word in vocabulary.RATING
        if word == "not_serious" or vocabulary.RATING.has_flag(word, "up") == up
    )


def _appraisal_key(a: Mapping[str, object]) -> tuple[object, ...]:
    pair = frozenset({a.get("cohort"), a.get("versus")})
    return (a.get("source"), pair, a.get("endpoint"), a.get("domain"))


def with_appraisals(loaded: LoadedEvidence, new: Sequence[Mapping[str, object]]) -> LoadedEvidence:
    """A copy of the evidence with ``new`` appraisals (plain fields), checked and loaded.

    A new judgement replaces the one of the same source, comparison, outcome and domain. The
    copy is validated as a whole (every consistency check); its data version is the hash of
    its YAML, as if it had been uploaded. Raises EvidenceError with every problem.
    """
    from evidence.loader import document_problems, problems_error
    from evidence.writer import dump_yaml

    replaced = {_appraisal_key(a) for a in new}
    kept = [
        a.model_dump()
        for a in loaded.evidence.appraisals
        if _appraisal_key(a.model_dump()) not in replaced
    ]
    raw = loaded.evidence.model_dump()
    raw["appraisals"] = [*kept, *(dict(a) for a in new)]
    name = Path(loaded.name).name.removesuffix(APPRAISAL_SUFFIX) + APPRAISAL_SUFFIX
    evidence, problems = document_problems(raw, {})
    if evidence is None:
        raise problems_error(problems, name)
    text = dump_yaml(evidence).encode("utf-8")
    return load(evidence, name, data_version(text, evidence.updated))


def appraisal_form_values(source: str, cohort: str, versus: str) -> list[dict[str, object]]:
    """The judgements the form holds, as appraisal fields (domains left not assessed: none).

    Raises ValueError naming the rated domains that have no reason.
    """
    endpoint = st.session_state.get(KEY_APPRAISAL_OUTCOME) or None
    by = str(st.session_state.get(KEY_APPRAISAL_BY) or "").strip() or None
    new: list[dict[str, object]] = []
    missing = []
    for domain in vocabulary.DOMAIN:
        rating = st.session_state.get(appraisal_key(KEY_APPRAISAL_RATING, domain))
        if not rating:
            continue
        reason = str(st.session_state.get(appraisal_key(KEY_APPRAISAL_REASON, domain)) or "")
        if not reason.strip():
            missing.append(vocabulary.DOMAIN.phrase(domain).split(" (")[0])
            continue
        new.append(
            {
                "source": source,
                "cohort": cohort,
                "versus": versus,
                "endpoint": endpoint,
                "domain": domain,
                "rating": rating,
                "reason": reason.strip(),
                "by": by,
            }
        )
    if missing:
        msg = f"Give a reason for each judgement: {', '.join(missing)} has none."
        raise ValueError(msg)
    return new


def on_record_appraisal(loaded: LoadedEvidence, comparison: Comparison) -> None:
    """Form callback: add the form's judgements to this session's copy of the evidence.

    The copy is stored exactly as an upload is (this session's state only: never on disk,
    never in a shared cache), so every page shows its ratings and the sidebar offers the way
    back to the bundled evidence. Problems are kept for the page to show.
    """
    try:
        new = appraisal_form_values(comparison.source, comparison.cohort, comparison.versus)
        if not new:
            msg = "Choose a rating for at least one domain (all are 'not assessed')."
            raise ValueError(msg)
        recorded = with_appraisals(loaded, new)
    except (ValueError, EvidenceError) as error:
        st.session_state[SESSION_APPRAISAL_ERROR] = error
        return
    st.session_state[SESSION_UPLOADED] = recorded
    st.session_state.pop(SESSION_APPRAISAL_ERROR, None)


def appraisal_error() -> ValueError | EvidenceError | None:
    """Why the last recording was refused, if it was."""
    error = st.session_state.get(SESSION_APPRAISAL_ERROR)
    return error if isinstance(error, ValueError | EvidenceError) else None


def appraisal_rows(evidence: Evidence, comparison: Comparison) -> list[dict[str, str]]:
    """The judgements that apply to a comparison (its own and its source's), for a table."""
    labels = {e.id: e.label for e in evidence.endpoints}
    pair = {comparison.cohort, comparison.versus}
    return [
        {
            "Domain": vocabulary.DOMAIN.label(a.domain),
            "Outcome": labels.get(a.endpoint, a.endpoint) if a.endpoint else "all outcomes",
            "Comparison": "this one" if a.cohort else "every one of its source",
            "Judgement": vocabulary.RATING.label(a.rating),
            "Reason": a.reason,
            "By": a.by or "",
        }
        for a in evidence.appraisals
        if a.source == comparison.source and (a.cohort is None or {a.cohort, a.versus} == pair)
    ]


def evidence_yaml(loaded: LoadedEvidence) -> bytes:
    """The evidence as a YAML file (a download, built when clicked)."""
    from evidence.writer import dump_yaml

    return dump_yaml(loaded.evidence).encode("utf-8")


def evidence_workbook(loaded: LoadedEvidence) -> bytes:
    """The evidence as a workbook (a download; openpyxl loads on click, not per run)."""
    from evidence.workbook import write_workbook

    return write_workbook(loaded.evidence)


# Measured (issue 19): a new session's landing page waited about 170 ms on its grid's figure
# before its first chart could be sent, in every session. The bundled file's specs are the
# same for everyone, so they are kept once per process, read-only like the evidence itself;
# an upload's never enter this cache (memo_specs sends them to _session_specs).
@st.cache_resource(show_spinner=False, max_entries=SHARED_SPEC_ENTRIES, hash_funcs=_HASH_FUNCS)
def _shared_specs(
    *,
    chart_key: str,
    look_name: str,
    loaded: LoadedEvidence,
    filters: Filters,
    choice: object,
    _chart: Chart[Any],
    _look: Look,
) -> list[ChartSpec]:
    del chart_key, look_name  # the key only
    return _chart.specs(loaded, filters, look=_look, choice=choice)


@st.cache_resource(
    scope="session",
    show_spinner=False,
    max_entries=SESSION_SPEC_ENTRIES,
    hash_funcs=_HASH_FUNCS,
)
def _session_specs(
    *,
    chart_key: str,
    look_name: str,
    loaded: LoadedEvidence,
    filters: Filters,
    choice: object,
    _chart: Chart[Any],
    _look: Look,
) -> list[ChartSpec]:
    del chart_key, look_name  # the key only
    return _chart.specs(loaded, filters, look=_look, choice=choice)
