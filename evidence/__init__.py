"""Domain package: evidence-file models, the loader and the frames the pages draw from."""

from evidence.loader import load_evidence, parse_evidence
from evidence.models import Evidence
from evidence.problems import EvidenceError, LoadProblem

__all__ = ["Evidence", "EvidenceError", "LoadProblem", "load_evidence", "parse_evidence"]
