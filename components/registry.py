"""Which pages and charts exist. No Streamlit here.

The one list the navigation, the pages, the presentation view, the deck, the ZIP and the
command line all read.

To add a chart, declare it in CHARTS with its page, title, spec builder (components/specs/)
and default choice, and say where else it goes: the presentation view, the deck, the file
exports. Its page draws it where the page calls ``render_charts`` for its page key, or, when
the page's widgets choose something of it, ``render_chart`` with its constant and a choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from components import specs
from components.choices import ComparisonChoice, EndpointChoice, PlaneChoice, ProfileChoice
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

C = TypeVar("C")
"""A chart family's page choice (components/choices.py), or None for a chart without one."""
P = ParamSpec("P")

SpecBuilder = Callable[[LoadedEvidence, Filters, specs.Ask, C], list[ChartSpec]]
"""A chart's spec builder with its fixed options bound: ``(loaded, filters, ask, choice)``."""


def bind(
    build: Callable[Concatenate[LoadedEvidence, Filters, specs.Ask, C, P], list[ChartSpec]],
    *args: P.args,
    **options: P.kwargs,
) -> SpecBuilder[C]:
    """A spec builder with a chart's fixed options (a forest's category) bound.

    functools.partial would do, but mypy types a partial's call as taking anything: here the
    options are checked against the builder's, and the choice type stays the builder's, so a
    chart declared with another family's default choice fails mypy.
    """

    def bound(
        loaded: LoadedEvidence, filters: Filters, ask: specs.Ask, choice: C
    ) -> list[ChartSpec]:
        return build(loaded, filters, ask, choice, *args, **options)

    return bound


@dataclass(frozen=True)
class Chart(Generic[C]):
    """A chart: where it is drawn, its title, the builder of its specs and its page choice.

    ``build(loaded, filters, Ask(key, title, look, split), choice)`` returns the chart's
    specs for a view: none when nothing is in view, several for a chart drawn per unit or
    cut to fit (``split``: the uses in SPLIT_USES ask for it). ``choice`` is what the page's
    widgets chose (components/choices.py), a frozen value of the chart's own type, so that
    mypy checks every page's choice against the chart it draws; ``default`` is the choice
    of the presentation view, the deck and the exports (None for a chart without choices).
    Fixed options (a forest's category) are bound into ``build`` with ``bind``, which mypy
    checks too.
    """

    key: str
    page: str
    title: str
    build: SpecBuilder[C]
    default: C
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
        choice: C | None = None,
    ) -> list[ChartSpec]:
        """The chart's specs for a view, drawn in ``look`` (and cut to fit it when ``split``).

        Without a ``choice``, at the chart's default one.
        """
        ask = specs.Ask(self.key, self.title, look, split)
        built = self.build(loaded, filters, ask, self.default if choice is None else choice)
        return [replace(spec, chart=self.key) for spec in built]


def _forest(
    key: str, page: str, title: str, category: str, *, x_title: str = "Patients (%)"
) -> Chart[EndpointChoice]:
    """A forest of one category's percent results, cut into slides when tall."""
    build = bind(specs.forest_specs, category=category, x_title=x_title)
    return Chart(key, page, title, build, EndpointChoice())


COVERAGE = Chart("coverage", "overview", "Where the evidence is", specs.coverage_specs, None)
BENEFIT_HARM = Chart(
    "benefit_harm",
    "comparisons",
    "Benefit and harm per 100",
    bind(specs.comparison_specs, drawing=specs.draw_benefit_harm),
    ComparisonChoice(),
)
PICTOGRAPH = Chart(
    "pictograph",
    "comparisons",
    "Out of 100 patients",
    bind(specs.comparison_specs, drawing=specs.draw_pictograph),
    ComparisonChoice(),
    deck=False,
)
PROFILE = Chart(
    "profile",
    "comparisons",
    "Chosen cohorts side by side",
    specs.profile_specs,
    ProfileChoice(),
    presentation=False,
    deck=False,
    exports=False,
)
RESPONSE_FOREST = _forest(
    "response_forest", "response", "Response rates by setting and regimen", "response"
)
SAFETY_FOREST = _forest(
    "safety_forest",
    "safety",
    "Toxicity by setting and regimen",
    "toxicity",
    x_title="Patients with the event (%)",
)
DOSE_FOREST = _forest(
    "dose_forest",
    "dose_modifications",
    "Dose reductions, interruptions and stops",
    "dose_modification",
)
QOL_FOREST = _forest(
    "qol_forest", "quality_of_life", "Quality-of-life figures", "quality_of_life", x_title="Value"
)
TTE = Chart(
    "tte",
    "time_to_event",
    "Time to event",
    bind(
        specs.time_to_event_specs,
        unit_titles={
            "months": "Median times (months)",
            "years": "Median times (years)",
            "percent": "Event-free at a landmark (% of patients)",
        },
    ),
    None,
)
TTE_RATIOS = Chart(
    "tte_ratios",
    "time_to_event",
    "Within-trial comparisons (hazard ratios and other ratios)",
    specs.ratio_specs,
    None,
)
PLANE = Chart(
    "benefit_risk", "benefit_risk", "Efficacy against harm", specs.plane_specs, PlaneChoice()
)

CHARTS: tuple[Chart[Any], ...] = (
    COVERAGE,
    BENEFIT_HARM,
    PICTOGRAPH,
    PROFILE,
    RESPONSE_FOREST,
    SAFETY_FOREST,
    DOSE_FOREST,
    QOL_FOREST,
    TTE,
    TTE_RATIOS,
    PLANE,
)
"""Every chart, in page order. Pages that pass a choice name their chart by its constant
(``panels.render_chart(registry.PROFILE, ...)``), so mypy knows the choice's type."""


def charts_on(page: str) -> list[Chart[Any]]:
    """The charts a page draws, in order."""
    return [chart for chart in CHARTS if chart.page == page]


def chart(key: str) -> Chart[Any]:
    """The chart declared under ``key``."""
    return next(c for c in CHARTS if c.key == key)


SPLIT_USES = frozenset({"deck"})
"""The uses whose charts split to fit their look's height: a slide holds one setting."""


def view_charts(use: str) -> list[Chart[Any]]:
    """The charts that go into one use ("presentation", "deck" or "exports"), in page order.

    In the pages' order whatever the order of CHARTS, as the offline page groups them: a
    chart declared after another page's charts still comes with its own page's.
    """
    order = {page.key: i for i, page in enumerate(PAGES)}
    return sorted((decl for decl in CHARTS if getattr(decl, use)), key=lambda c: order[c.page])


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
