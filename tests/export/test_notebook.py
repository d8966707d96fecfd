"""The analysis notebook runs on a pipeline run over raw/ and fills its six sections."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, SEEDS, pipeline_run

NOTEBOOK = REPO / "notebooks" / "analysis.ipynb"
SECTIONS = ["1. The corpus at a glance", "2. Who speaks", "3. About whom", "4. How it moves", "5. Cooperation and conflict",
            "6. The network", "7. Quality"]


def test_committed_notebook_has_no_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert any("parameters" in c["metadata"].get("tags", []) for c in code)


def test_notebook_runs_on_the_seed_outputs(tmp_path: Path):
    import papermill

    out = pipeline_run(tmp_path, SEEDS)
    executed = tmp_path / "analysis.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(executed), parameters={"OUTPUT_DIR": str(out)},
                               progress_bar=False, cwd=str(tmp_path))  # raises when a cell fails
    nb = json.loads(executed.read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert all(s in text for s in SECTIONS)
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 5  # documents, speakers, state matrix, time series, types by state
    html = "\n".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "Kim Yo Jong" in html and "North Korea" in html  # speakers by name, states by name
    assert not [o for o in outputs if o.get("output_type") == "error"]


def test_make_notebook_writes_an_html_report(tmp_path: Path):
    if not (REPO / ".venv" / ".newsgraph-installed").exists():
        pytest.skip("run through `make test`, which sets up .venv")
    out = pipeline_run(tmp_path, SEEDS)
    proc = subprocess.run(["make", "-s", "-C", str(REPO), "notebook", f"OUT={out}"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    html = (out / "notebooks" / "analysis.html").read_text(encoding="utf-8")
    assert "Who speaks" in html and "<img" in html
