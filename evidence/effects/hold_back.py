"""What the design lets a row show, and the notes on how its two groups came to be compared.

The rules (allocation, arms treated alike, shared patients) live in evidence/design.py;
this module applies them to the rows of the effects table: the cells a row may not show are
emptied, and ``why`` says so first.
"""

from __future__ import annotations

import math
from typing import Any

from evidence import vocabulary
from evidence.design import Design
from evidence.effects.columns import (
    ALLOCATION,
    BASIS,
    BASIS_REPORTED,
    CONTRASTED,
    DIFFERENCE_COLUMNS,
    NNT,
    NNT_HIGH,
    NNT_KIND,
    NNT_LOW,
    PHASE,
    RATIO_COLUMNS,
    VERSUS_REGIMEN,
)
from evidence.frames.columns import COHORT, HELD_BACK, MEASURE, REGIMEN, REGIMEN_SHORT, VERSUS


def not_randomised(how: str) -> str:
    """Why a non-randomised contrast has no NNT, with how its groups were formed in brackets."""
    return f"Not randomised ({how}): the groups may differ in other ways too, so no NNT is given."


def design_notes(row: dict[str, Any], design_word: str) -> list[str]:
    """What a reader must know about how the two groups came to be compared."""
    notes = []
    if row[REGIMEN] == row[VERSUS_REGIMEN] and row[BASIS] != BASIS_REPORTED:
        notes.append(
            f"Same regimen ({row[REGIMEN_SHORT]}) in both groups: their labels say what sets "
            "them apart."
        )
    allocation = row[ALLOCATION]
    design = vocabulary.DESIGN.label(design_word).lower()
    randomised = vocabulary.ALLOCATION.has_flag(allocation, "randomised")
    if randomised and not vocabulary.DESIGN.has_flag(design_word, "randomised"):
        notes.append(f"Randomised arms, as the file records them ({design}).")
    elif not vocabulary.ALLOCATION.has_flag(allocation, "nnt") and vocabulary.ALLOCATION.has_flag(
        allocation, "contrast"
    ):
        notes.append(not_randomised(design))
    return notes


_EFFECT_CELLS = (*DIFFERENCE_COLUMNS, *RATIO_COLUMNS, NNT, NNT_LOW, NNT_HIGH)


def alike_note(row: dict[str, Any], design: Design) -> list[str]:
    """For a contrasted pair whose arms shared a phase: that they did, and what follows."""
    alike = design.alike_phases(row[COHORT], row[VERSUS])
    if not alike or not row[CONTRASTED]:
        return []
    phases = " and ".join(vocabulary.PHASE.phrase(p) for p in alike)
    if row[PHASE] is not None:
        return [
            f"The two arms were treated alike during {phases}; this figure covers "
            f"{vocabulary.PHASE.phrase(row[PHASE])}, when they differed."
        ]
    return [
        f"The two arms were treated alike during {phases} and differ only after it; this "
        "figure's phase is not stated, so any difference can only come from the later phase, "
        "diluted by the shared one."
    ]


def hold_back(row: dict[str, Any], why: list[str], design: Design) -> None:
    """Empty the effect cells the design does not allow, the reason first in ``why``."""
    reason = design.held_back(row[COHORT], row[VERSUS], row[PHASE])
    if reason is None:
        if not vocabulary.ALLOCATION.has_flag(row[ALLOCATION], "nnt"):
            for column in (NNT, NNT_LOW, NNT_HIGH):
                row[column] = math.nan
            row[NNT_KIND] = None
        return
    row[CONTRASTED] = False
    row[HELD_BACK] = reason
    for column in _EFFECT_CELLS:
        row[column] = math.nan
    row[NNT_KIND] = None
    if row[BASIS] == BASIS_REPORTED:
        measure = vocabulary.MEASURE.phrase(row[MEASURE])
        why.clear()
        why.append(f"The source reports a {measure} here; it is held back. {reason}")
        return
    # Sentences about the arithmetic no longer apply; those about the counts still do.
    why[:] = [w for w in why if w.startswith("Counts back-calculated")]
    why.insert(0, reason)
