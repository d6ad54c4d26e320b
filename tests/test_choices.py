"""Page choices are typed: a misspelt or wrongly typed choice fails mypy, not the page."""

from __future__ import annotations

import textwrap
from pathlib import Path

import mypy.api
import pytest
from conftest import ROOT

from components import choices, registry

# How a page draws a chart at its widgets' choice (pages/comparisons.py, pages/benefit_risk.py).
PAGE = """\
from components import panels, registry
from components.choices import ComparisonChoice, PlaneChoice, ProfileChoice
from components.loaded import Filters, load_path

loaded, filters = load_path("data/evidence.yaml"), Filters()
panels.render_chart(
    registry.PROFILE, loaded, filters, ProfileChoice(cohorts=("a", "b")), what=None
)
panels.render_chart(
    registry.PICTOGRAPH,
    loaded,
    filters,
    ComparisonChoice(comparison="a|b", baselines=(("orr", 10.0),)),
    what=None,
)
panels.render_chart(registry.PLANE, loaded, filters, PlaneChoice(harm="h", benefit="b"), what="x")
"""

# How a chart is declared with its fixed options (components/registry.py).
DECLARATION = """\
from components import specs
from components.choices import EndpointChoice
from components.registry import Chart, bind

build = bind(specs.forest_specs, category="response")
chart = Chart("forest", "response", "A forest", build, EndpointChoice())
"""

MISTAKES = {
    "misspelt_choice": (
        PAGE.replace("cohorts=(", "cohort=("),
        'Unexpected keyword argument "cohort" for "ProfileChoice"',
    ),
    "wrongly_typed_choice": (
        PAGE.replace('cohorts=("a", "b")', 'cohorts="a"'),
        'Argument "cohorts" to "ProfileChoice" has incompatible type "str"; '
        'expected "tuple[str, ...]"',
    ),
    "wrongly_typed_baseline": (
        PAGE.replace('(("orr", 10.0),)', '(("orr", "10"),)'),
        'Argument "baselines" to "ComparisonChoice" has incompatible type',
    ),
    "another_chart_s_choice": (
        PAGE.replace("registry.PROFILE,", "registry.PLANE,"),
        'Cannot infer value of type parameter "C" of "render_chart"',
    ),
    "misspelt_fixed_option": (
        DECLARATION.replace("category=", "categry="),
        'Unexpected keyword argument "categry" for "bind"',
    ),
    "choice_of_another_family": (
        DECLARATION.replace("EndpointChoice()", "ProfileChoice()").replace(
            "import EndpointChoice", "import ProfileChoice"
        ),
        'Argument 4 to "Chart" has incompatible type',
    ),
}


def mypy_errors(files: list[Path]) -> dict[str, list[str]]:
    """Each file's error lines from one mypy run with the project's configuration (strict)."""
    # The project's own cache: warm after `mypy`, so the run takes a second, not half a minute.
    out, err, _ = mypy.api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-error-summary",
            *map(str, files),
        ]
    )
    assert not err, err
    found: dict[str, list[str]] = {f.stem: [] for f in files}
    for line in out.splitlines():
        path, _, rest = line.partition(":")
        if ": error: " in rest:
            found[Path(path).stem].append(rest)
    return found


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    folder = tmp_path_factory.mktemp("snippets")
    sources = {"page": PAGE, "declaration": DECLARATION} | {
        name: source for name, (source, _) in MISTAKES.items()
    }
    files = []
    for name, source in sources.items():
        files.append(folder / f"{name}.py")
        files[-1].write_text(textwrap.dedent(source))
    return mypy_errors(files)


def test_choices_page_and_declaration_as_written_pass_mypy(checked):
    assert checked["page"] == []
    assert checked["declaration"] == []


@pytest.mark.parametrize("name", MISTAKES)
def test_choices_mistake_fails_mypy_with_its_error(name, checked):
    _, expected = MISTAKES[name]
    assert len(checked[name]) == 1, checked[name]
    assert expected in checked[name][0]


def test_choices_every_chart_s_default_is_frozen_and_hashable():
    # The spec caches key on the choice: a mutable one would be a stale key.
    for chart in registry.CHARTS:
        if chart.default is None:
            continue
        hash(chart.default)
        with pytest.raises(AttributeError):
            setattr(chart.default, next(iter(vars(chart.default))), ())


def test_choices_only_baseline_risks_are_personal():
    assert choices.is_personal(choices.ComparisonChoice("a|b", baselines=(("orr", 10.0),)))
    assert not choices.is_personal(choices.ComparisonChoice("a|b"))
    assert not choices.is_personal(choices.ProfileChoice(("a", "b")))
    assert not choices.is_personal(None)


def test_the_projects_mypy_run_checks_the_pages_that_hand_the_choices_over():
    # The snippets above fail mypy; the pages themselves were outside the project's mypy
    # files, so a page handing a chart another family's choice passed CI (tried in a copy).
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    checked = [Path(f) for f in config["tool"]["mypy"]["files"]]
    for path in [Path(page.path) for page in registry.PAGES] + [Path("dashboard.py")]:
        assert any(path == f or f in path.parents for f in checked), path
