"""The landing page never pays for what only exports and comparisons need."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import APP, BUNDLED, ROOT

HEAVY = ("kaleido", "pptx", "openpyxl", "statsmodels", "scipy")

SCRIPT = f"""
import json, os, sys
os.environ["EVIDENCE_FILE"] = {str(BUNDLED)!r}
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({APP!r}, default_timeout=60).run()
assert not at.exception, at.exception
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""


def test_landing_page_imports_no_export_or_statistics_library():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
