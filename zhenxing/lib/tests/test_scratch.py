"""Scratch folders name their process; the sweep removes only those of processes that are gone."""

from __future__ import annotations

import os
import subprocess
import sys

from zhenxing.lib.scratch import scratch_folder, scratch_sweep


def test_the_sweep_removes_a_dead_processs_folders_only(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = tmp_path / f"zx-feed-{int(dead.stdout)}-abc123_x"
    (gone / "sub").mkdir(parents=True)
    (gone / "sub" / "data.csv").write_text("232722198001010011")
    other = tmp_path / "zx-feed-notapid"  # not a name scratch_folder makes
    other.mkdir()
    with scratch_folder("job") as mine:
        assert os.path.basename(mine).startswith(f"zx-job-{os.getpid()}-")
        assert oct(os.stat(mine).st_mode & 0o777) == "0o700"
        assert scratch_sweep(root=tmp_path) == [gone]
        assert os.path.isdir(mine) and other.is_dir() and not gone.exists()
    assert scratch_sweep(root=tmp_path) == []
