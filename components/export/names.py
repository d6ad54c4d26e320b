"""The names and media types of the files a view exports.

No heavy imports here: the sidebar reads them on every run.
"""

from __future__ import annotations

DECK_NAME = "journal-club.pptx"
EFFECTS_NAME = "within-study-effects.csv"
"""The effects table of the view: the columns of ``python -m evidence effects FILE --csv``."""
HTML_NAME = "journal-club.html"
README_NAME = "README.txt"
ZIP_NAME = "evidence-export.zip"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
