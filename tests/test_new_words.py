"""Adding a vocabulary word in the one place words are declared is enough for every page.

A copy of the project gets a new study design word and a new verdict word in
evidence/vocabulary.py (nothing else changes); every page then renders a file that uses both,
and both words show on screen. It runs in a subprocess: this process has the real
vocabulary imported already.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from components.registry import PAGES
from components.state import KEY_FILTERS

DESIGN_LINE = '    other="Other",\n)  # fmt: skip\nPHASE = _vocabulary('
VERDICT_LINE = (
    '    unfavourable=Word("Unfavourable", colour="#D55E00", icon=":material/thumb_down:"),\n'
)

SCRIPT = """
import json, os, sys
from streamlit.testing.v1 import AppTest
out = {}
for page in sys.argv[1:]:
    at = AppTest.from_file("dashboard.py", default_timeout=60)
    at.switch_page(f"pages/{page}.py")
    at.session_state[KEY_FILTERS] = True  # draw the filters
    at.run()
    texts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "info")
             for e in getattr(at, kind)]
    texts += [str(d.value.to_dict()) for d in list(at.dataframe) + list(at.table)]
    texts += [c.proto.spec for c in at.get("plotly_chart")]
    texts += [str(o) for m in at.multiselect for o in m.options]
    out[page] = {"exception": [str(e.message) for e in at.exception],
                 "text": "\\n".join(texts)}
print(json.dumps(out))
"""


@pytest.mark.slow  # copies the project, every page in a subprocess
def test_new_design_and_verdict_words_render_on_every_page(tmp_path: Path):
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("dashboard.py", "pages", "components", "evidence", "data", ".streamlit"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    vocabulary = copy / "evidence" / "vocabulary.py"
    text = vocabulary.read_text()
    assert DESIGN_LINE in text  # the declarations this test extends
    assert VERDICT_LINE in text
    text = text.replace(
        DESIGN_LINE,
        '    other="Other",\n    cluster_randomised=Word("Cluster-randomised trial", '
        "flags=RANDOMISED),\n)  # fmt: skip\nPHASE = _vocabulary(",
    )
    text = text.replace(VERDICT_LINE, VERDICT_LINE + '    mixed=Word("Mixed picture"),\n')
    vocabulary.write_text(text)
    evidence = (FIXTURES / "valid_minimal.yaml").read_text()
    evidence = evidence.replace("design: randomized_phase3", "design: cluster_randomised", 1)
    evidence = evidence.replace("verdict: favourable", "verdict: mixed", 1)
    assert "cluster_randomised" in evidence
    assert "verdict: mixed" in evidence
    (copy / "data" / "new-words.yaml").write_text(evidence)

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT.replace("KEY_FILTERS", repr(KEY_FILTERS)),
            *(page.key for page in PAGES),
        ],
        cwd=copy,
        env={"EVIDENCE_FILE": str(copy / "data" / "new-words.yaml"), "PATH": "/usr/bin:/bin",
             "PYTHONPATH": str(copy), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    pages = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(pages) == {page.key for page in PAGES}
    for page, seen in pages.items():
        assert seen["exception"] == [], (page, seen["exception"])
        assert "Cluster-randomised trial" in seen["text"], page  # at least the design filter
    assert "Mixed picture" in pages["benefit_risk"]["text"]  # the verdict card (and legend)
    assert "Cluster-randomised trial" in pages["sources"]["text"]  # the source list
