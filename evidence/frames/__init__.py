"""Tidy pandas frames for the pages, built from a validated Evidence.

Every transform returns a new DataFrame built through its FrameContract: the one place that
states the frame's columns and what each holds. Labels travel with ids, so that charts never
look anything up.

- columns.py: the column names (constants) and every frame's FrameContract;
- values.py: one cell's value: missing or not, as people read it, the Wilson interval;
- tables.py: the frames built from Evidence (cohorts, results, comparisons, findings,
  verdicts, sources, coverage);
- plane.py: the benefit-harm plane, built from the result table;
- views.py: frames cut or reshaped for a view (a selection, the sources in view, a wide
  table).

Every public name is re-exported here, so ``from evidence import frames as fr`` then
``fr.COHORT`` or ``fr.result_table(ev)`` reads as one namespace.
"""

from evidence.frames.columns import *  # noqa: F403
from evidence.frames.plane import *  # noqa: F403
from evidence.frames.tables import *  # noqa: F403
from evidence.frames.values import *  # noqa: F403
from evidence.frames.views import *  # noqa: F403
