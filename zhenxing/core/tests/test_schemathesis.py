"""The bounded schemathesis run against the demo (issue 20, item 5), from pytest.

It takes minutes, so it is marked ``schemathesis`` and left out of ``make test`` (pyproject.toml's
addopts); ``.ci/run`` runs ``.ci/schemathesis`` once on its own, and ``pytest -m schemathesis``
runs it here: every operation as demo-tahe, demo-fendou and demo-yibao, no server error and no
response that breaks the OpenAPI document."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.schemathesis
def test_schemathesis_finds_no_server_error_and_no_schema_violation():
    st = Path(sys.executable).parent / "st"
    assert st.exists(), "schemathesis is one of the test extras: pip install -e '.[test]'"
    env = dict(os.environ, ZX_PYTHON=sys.executable, ZX_ST=str(st))
    run = subprocess.run(
        ["bash", str(ROOT / ".ci" / "schemathesis")], env=env, capture_output=True, text=True, timeout=1800
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
