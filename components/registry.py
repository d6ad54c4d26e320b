"""Which pages and charts exist. No Streamlit here.

The one list the navigation, the pages, the presentation view, the deck, the ZIP and the
command line all read.

To add a chart, declare it in CHARTS with its page, title and spec builder (components/specs.py)
and say where else it goes: the presentation view, the deck, the file exports. Its page draws
it where the page calls ``render_charts`` for its page key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from components import specs
from components.loaded import Filters, LoadedEvidence
from components.looks import SCREEN, Look
from components.specs import ChartSpec


@dataclass(frozen=True)
class Page:
    """A page of the dashboard: its module in pages/, title and icon.

    ``shell_title`` says whether the shell writes the page's title (the overview writes the
    evidence file's own title instead).
    """

    key: str
    title: str
    icon: str
    shell_title: bool = True

    @property
    def path(self) -> str:
        """The page script, relative to dashboard.py."""
        return f"pages/{self.key}.py"


PAGES = (
    Page("overview", "Overview", ":material/grid_view:", shell_title=False),
    Page("comparisons", "Compare regimens", ":material/compare_arrows:"),
    Page("response", "Response", ":material/trending_up:"),
    Page("safety", "Safety", ":material/health_and_safety:"),
    Page("dose_modifications", "Dose modifications", ":material/tune:"),
    Page("quality_of_life", "Quality of life", ":material/mood:"),
    Page("time_to_event", "Time to event", ":material/timeline:"),
    Page("benefit_risk", "Benefit-risk and verdicts", ":material/balance:"),
    Page("sources", "Sources", ":material/menu_book:"),
)
"""The pages in navigation order; the first is the landing page."""

SpecBuilder = Callable[..., list[ChartSpec]]


@dataclass(frozen=True)
class Chart:
    """A chart: where it is drawn, its title, the builder of its specs and its fixed options.

    ``build(loaded, filters, Ask(key, title, look, split), **params, **choices)`` returns the
    chart's specs for a view: none when nothing is in view, several for a chart drawn per unit
    or cut to fit (``split``: the uses in SPLIT_USES ask for it). ``choices`` are what the
    page's widgets add (an endpoint picker); exports use none.
    """

    key: str
    page: str
    title: str
    build: SpecBuilder
    params: Mapping[str, Any] = field(default_factory=dict)
    presentation: bool = True
    deck: bool = True
    exports: bool = True

    def specs(
        self,
        loaded: LoadedEvidence,
        filters: Filters,
        *,
        look: Look = SCREEN,
        split: bool = False,
        choices: Mapping[str, object] | None = None,
    ) -> list[ChartSpec]:
        """The chart's specs for a view, drawn in ``look`` (and cut to fit it when ``split``)."""
        ask = specs.Ask(self.key, self.title, look, split)
        built = self.build(loaded, filters, ask, **self.params, **(choices or {}))
        return [replace(spec, chart=self.key) for spec in built]


def _forest(key: str, page: str, title: str, category: str, **params: str) -> Chart:
    """A forest of one category's percent results, cut into slides when tall."""
    params = {"category": category, **params}
    return Chart(key, page, title, specs.forest_specs, params)


CHARTS = (
    Chart("coverage", "overview", "Where the evidence is", specs.coverage_specs),
    Chart(
        "benefit_harm",
        "comparisons",
        "Benefit and harm per 100",
        specs.comparison_specs,
        {"drawing": specs.draw_benefit_harm},
    ),
    Chart(
        "pictograph",
        "comparisons",
        "Out of 100 patients",
        specs.comparison_specs,
        {"drawing": specs.draw_pictograph},
        deck=False,
    ),
    Chart(
        "profile",
        "comparisons",
        "Chosen cohorts side by side",
        specs.profile_specs,
        presentation=False,
        deck=False,
        exports=False,
    ),
    _forest("response_forest", "response", "Response rates by setting and regimen", "response"),
    _forest(
        "safety_forest",
        "safety",
        "Toxicity by setting and regimen",
        "toxicity",
        x_title="Patients with the event (%)",
    ),
    _forest(
        "dose_forest",
        "dose_modifications",
        "Dose reductions, interruptions and stops",
        "dose_modification",
    ),
    _forest(
        "qol_forest",
        "quality_of_life",
        "Quality-of-life figures",
        "quality_of_life",
        x_title="Value",
    ),
    Chart(
        "tte",
        "time_to_event",
        "Time to event",
        specs.time_to_event_specs,
        {
            "unit_titles": {
                "months": "Median times (months)",
                "years": "Median times (years)",
                "percent": "Event-free at a landmark (% of patients)",
            }
        },
    ),
    Chart(
        "tte_ratios",
        "time_to_event",
        "Within-trial comparisons (hazard ratios and other ratios)",
        specs.ratio_specs,
    ),
    Chart("benefit_risk", "benefit_risk", "Efficacy against harm", specs.plane_specs),
)
"""Every chart, in page order."""


def charts_on(page: str) -> list[Chart]:
    """The charts a page draws, in order."""
    return [chart for chart in CHARTS if chart.page == page]


def chart(key: str) -> Chart:
    """The chart declared under ``key``."""
    return next(c for c in CHARTS if c.key == key)


SPLIT_USES = frozenset({"deck"})
"""The uses whose charts split to fit their look's height: a slide holds one setting."""


def view_charts(use: str) -> list[Chart]:
    """The charts that go into one use ("presentation", "deck" or "exports"), in page order."""
    return [decl for decl in CHARTS if getattr(decl, use)]


def view_specs(
    loaded: LoadedEvidence, filters: Filters, *, use: str, look: Look = SCREEN
) -> list[ChartSpec]:
    """Every spec of a view for one use ("presentation", "deck" or "exports"), in page order.

    The deck's charts split (SPLIT_USES): a tall forest drawn in SLIDE becomes one spec per
    setting, or per endpoint group, each the size of a slide.
    """
    split = use in SPLIT_USES
    return [
        spec
        for decl in view_charts(use)
        for spec in decl.specs(loaded, filters, look=look, split=split)
    ]
