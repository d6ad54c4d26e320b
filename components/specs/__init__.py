"""Chart specs: a figure with the rows behind it and what to say about it; no Streamlit.

The registry (components/registry.py) declares which charts exist and calls the builders
here; pages, the presentation view, the deck and the file exports all render the specs they
return, so a download always matches what a page shows.

The package: spec.py (ChartSpec, Ask, titles, subtitles, speaker notes), fitting.py (cutting a
tall chart into parts that fit a slide), results.py and comparisons.py (the spec builders of
the result charts and of the comparison charts).
"""

from components.specs.comparisons import (
    Drawing,
    comparison_specs,
    draw_benefit_harm,
    draw_pictograph,
    plane_note,
    plane_specs,
    profile_specs,
)
from components.specs.fitting import (
    Part,
    fits,
    fitting_parts,
    label_lines,
    numbered,
    part_specs,
    runs_that_fit,
)
from components.specs.results import (
    category_results,
    coverage_in_view,
    coverage_specs,
    forest_specs,
    ratio_specs,
    time_to_event_specs,
)
from components.specs.spec import (
    CROSS_TRIAL_NOTE,
    Ask,
    ChartSpec,
    filter_subtitle,
    shown_title,
    slug,
    speaker_notes,
    subtitle,
)

__all__ = [
    "CROSS_TRIAL_NOTE",
    "Ask",
    "ChartSpec",
    "Drawing",
    "Part",
    "category_results",
    "comparison_specs",
    "coverage_in_view",
    "coverage_specs",
    "draw_benefit_harm",
    "draw_pictograph",
    "filter_subtitle",
    "fits",
    "fitting_parts",
    "forest_specs",
    "label_lines",
    "numbered",
    "part_specs",
    "plane_note",
    "plane_specs",
    "profile_specs",
    "ratio_specs",
    "runs_that_fit",
    "shown_title",
    "slug",
    "speaker_notes",
    "subtitle",
    "time_to_event_specs",
]
