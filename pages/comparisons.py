import functools
from pathlib import Path

import pandas as pd
import streamlit as st

from components import compare, panels, registry, state, tables
from components.choices import ComparisonChoice, ProfileChoice
from components.loaded import Filters, LoadedEvidence, unique_labels
from evidence import frames as fr
from evidence import vocabulary
from evidence.loader import EvidenceError
from evidence.workbook import XLSX_MIME


def pick_comparison(found: list[compare.Comparison]) -> compare.Comparison:
    """The within-study comparison to show; randomised ones first in the list."""
    ordered = sorted(found, key=lambda c: not c.randomised)
    options = unique_labels({c.key: c.label for c in ordered})
    key = st.selectbox(
        "Comparison (two arms of one study)",
        list(options),
        format_func=options.__getitem__,
        key=state.KEY_COMPARISON,
        bind="query-params",
    )
    return next(c for c in ordered if c.key == key)


@state.per_session
def comparisons_in_view(loaded: LoadedEvidence, filters: Filters) -> list[compare.Comparison]:
    return compare.comparisons_in_view(loaded, filters)


@state.per_session
def summary_of_findings(
    loaded: LoadedEvidence, chosen: compare.Comparison, baselines: compare.Baselines
) -> list[tuple[str, pd.DataFrame]]:
    """The whole study's summary of findings, whatever the filters."""
    return compare.sof_groups(loaded, loaded.effects, chosen, baselines)


def render_summary_of_findings(
    loaded: LoadedEvidence, chosen: compare.Comparison
) -> compare.Baselines:
    """The summary of findings of one comparison, its baseline risks and the appraisal form.

    Returns the baseline risks set, for the icon array.
    """
    st.subheader("Summary of findings")
    st.caption(
        f"{panels.md(chosen.cohort_label)} (the regimen) against "
        f"{panels.md(chosen.versus_label)} (the comparator), {panels.md(chosen.source_short)}. "
        + panels.md(
            " ".join(filter(None, [compare.allocation_sentence(chosen), chosen.alike_sentence]))
        )
    )
    # The table comes first on screen, but it needs the baseline risks set below it.
    table_area = st.container(key=state.KEY_SOF_TABLES)
    baselines = pick_baselines(loaded, chosen)
    with table_area:
        groups = summary_of_findings(loaded, chosen, baselines)
        for title, table in groups:
            st.markdown(f"**{panels.md(title)}**")
            if list(table.columns) != compare.SOF_COLUMNS:
                panels.plain_table(table, alt=f"Summary of findings: {title}")
                continue
            # Thirteen columns do not fit a screen: the figures first, their footnotes below.
            panels.plain_table(table[compare.SOF_ON_SCREEN], alt=f"Summary of findings: {title}")
            panels.plain_table(
                table[compare.SOF_FOOTNOTES], alt=f"{title}: why this certainty, and sources"
            )
        st.caption(panels.md(compare.METHOD_NOTE))
        st.caption(panels.md(compare.CERTAINTY_NOTE))
        everything = pd.concat(
            [table.assign(Group=title) for title, table in groups], ignore_index=True
        )
        panels.csv_download(
            everything, filename=f"summary-of-findings-{chosen.key}", key=state.KEY_SOF_CSV
        )
    render_appraisal(loaded, chosen)
    return baselines


def pick_baselines(loaded: LoadedEvidence, chosen: compare.Comparison) -> compare.Baselines:
    """Your patients' baseline risk per outcome with a risk ratio; empty: the comparator's."""
    outcomes = state.baseline_outcomes(loaded, chosen)
    if not outcomes:
        return ()
    with st.container(border=True, key=state.KEY_BASELINE_BOX):
        st.markdown("**Your patients' baseline risk** (percent; empty: the study's comparator)")
        columns = st.columns(3)
        chosen_risks = [
            (
                endpoint,
                columns[i % 3].number_input(
                    f"{label} (%)",
                    min_value=0.0,
                    max_value=100.0,
                    value=None,
                    step=0.1,
                    format="%.1f",
                    placeholder=f"study's comparator: {fr.format_number(risk)}",
                    key=state.baseline_key(endpoint),
                    bind="query-params",
                ),
            )
            for i, (endpoint, (label, risk)) in enumerate(outcomes.items())
        ]
    return tuple((e, float(v)) for e, v in chosen_risks if v is not None)


def render_appraisal(loaded: LoadedEvidence, chosen: compare.Comparison) -> None:
    """The journal club's judgements of this comparison, recorded in this session's copy."""
    if not vocabulary.ALLOCATION.has_flag(chosen.allocation, "contrast"):
        return  # groups formed after treatment: no certainty to rate, nothing to appraise
    with st.expander("Record your appraisal (this session only)", key=state.KEY_APPRAISAL_EXPANDER):
        st.caption(
            "Judge risk of bias, indirectness, publication bias and any reason to rate up, "
            "for this comparison. The certainty above updates; your copy of the evidence lives "
            "only in this browser session (download it to keep it). Recording a domain again "
            "for the same outcome replaces the judgement; 'not assessed' records nothing."
        )
        outcomes = state.comparison_outcomes(loaded, chosen)
        with st.form(state.KEY_APPRAISAL_FORM, border=False):
            for domain in vocabulary.DOMAIN:
                name = vocabulary.DOMAIN.label(domain)
                rating, reason = st.columns([1, 2])
                ratings: list[str | None] = [None, *state.domain_ratings(domain)]
                rating.selectbox(
                    name,
                    ratings,
                    format_func=functools.partial(rating_words, domain),
                    key=state.appraisal_key(state.KEY_APPRAISAL_RATING, domain),
                )
                reason.text_input(
                    f"Why this judgement ({name.lower()})",
                    max_chars=state.REASON_MAX_CHARS,
                    placeholder="What the judgement rests on (required when rated)",
                    key=state.appraisal_key(state.KEY_APPRAISAL_REASON, domain),
                )
            outcome, by = st.columns(2)
            outcome.selectbox(
                "Outcome",
                [None, *outcomes],
                format_func=lambda e: (
                    "All outcomes of this comparison" if e is None else outcomes[e]
                ),
                key=state.KEY_APPRAISAL_OUTCOME,
            )
            by.text_input(
                "By (optional)",
                max_chars=state.REASON_MAX_CHARS,
                placeholder="e.g. Haematology journal club",
                key=state.KEY_APPRAISAL_BY,
            )
            st.form_submit_button(
                "Record",
                on_click=state.on_record_appraisal,
                args=(loaded, chosen),
                key=state.KEY_APPRAISAL_RECORD,
                icon=":material/gavel:",
            )
        render_appraisal_result(loaded, chosen)


def rating_words(domain: str, word: str | None) -> str:
    """A rating as the form shows it."""
    if word is None:
        return "Not assessed"
    if domain == "rate_up" and word == "not_serious":
        return "No reason to rate up"
    return vocabulary.RATING.label(word)


def render_appraisal_result(loaded: LoadedEvidence, chosen: compare.Comparison) -> None:
    """Why a recording was refused, or the judgements of this comparison and the downloads."""
    error = state.appraisal_error()
    if isinstance(error, EvidenceError):
        st.error("The appraisal was not recorded: the evidence would not be valid.")
        panels.render_problems(error)
    elif error is not None:
        st.error(f"The appraisal was not recorded. {panels.md(error)}")
    recorded = state.appraisal_rows(loaded.evidence, chosen)
    if not recorded:
        return
    st.markdown("**Judgements of this comparison**")
    panels.plain_table(pd.DataFrame(recorded), alt="Judgements of this comparison")
    if not state.is_uploaded(loaded):
        return
    stem = Path(loaded.name.removesuffix(state.APPRAISAL_SUFFIX)).stem + "-appraisal"
    yaml_column, workbook_column = st.columns(2)
    yaml_column.download_button(
        "Download with the appraisal (YAML)",
        functools.partial(state.evidence_yaml, loaded),
        file_name=f"{stem}.yaml",
        mime="application/x-yaml",
        key=state.KEY_APPRAISAL_YAML,
        on_click="ignore",
        icon=":material/download:",
    )
    workbook_column.download_button(
        "Download with the appraisal (workbook)",
        functools.partial(state.evidence_workbook, loaded),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        key=state.KEY_APPRAISAL_WORKBOOK,
        on_click="ignore",
        icon=":material/table_view:",
    )


def render_profiles(loaded: LoadedEvidence, filters: Filters) -> None:
    """Two to four cohorts from any settings, what differs between them, their figures."""
    st.header("Side by side, across studies")
    st.caption(
        "Cohorts of different studies next to each other: nothing is pooled and no difference "
        "is computed between them. Read what differs first."
    )
    cohorts = filters.apply(loaded.cohorts)
    options = unique_labels(
        dict(
            zip(
                cohorts[fr.COHORT],
                cohorts[fr.COHORT_LABEL] + " · " + cohorts[fr.SETTING_SHORT],
                strict=True,
            )
        )
    )
    chosen = st.multiselect(
        "Cohorts to compare (2 to 4)",
        list(options),
        format_func=options.__getitem__,
        max_selections=4,
        key=state.KEY_COHORTS,
        bind="query-params",
        placeholder="Choose cohorts from any setting",
    )
    if len(chosen) < 2:
        st.info("Choose two to four cohorts to see them side by side.", icon=":material/info:")
        return
    if shared := tables.shared_patients(loaded, chosen):
        st.warning(panels.md(shared), icon=":material/group:")
    st.markdown("**What differs between these cohorts**")
    panels.plain_table(
        compare.profile_differences(loaded, chosen), alt="What differs between these cohorts"
    )
    st.markdown("**Their figures, aligned by endpoint**")
    panels.plain_table(
        compare.profile_table(loaded, chosen), alt="Their figures, aligned by endpoint"
    )
    panels.render_chart(
        registry.PROFILE, loaded, filters, ProfileChoice(cohorts=tuple(chosen)), what=None
    )


loaded, filters = state.page_view()
st.caption(
    "Within one study, how many more patients respond and how many more are harmed with one "
    "regimen instead of another, and how sure we can be. Differences are computed only "
    "between arms of the same study; across studies, cohorts are set side by side."
)
st.header("Within one study")
found = comparisons_in_view(loaded, filters)
if not found:
    panels.render_empty("within-study comparisons (two arms of one study on one endpoint)", filters)
else:
    chosen = pick_comparison(found)
    baselines = render_summary_of_findings(loaded, chosen)
    st.subheader("Benefit and harm")
    panels.render_chart(
        registry.BENEFIT_HARM,
        loaded,
        filters,
        ComparisonChoice(comparison=chosen.key),
        what="differences with a direction to draw for this comparison",
    )
    panels.render_chart(
        registry.PICTOGRAPH,
        loaded,
        filters,
        ComparisonChoice(comparison=chosen.key, baselines=baselines),
        what=None,
    )
render_profiles(loaded, filters)
