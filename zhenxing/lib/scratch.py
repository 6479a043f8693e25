"""Private temporary folders that name their process, so what a killed process left can be found.

Every temporary folder of the system (a job's decrypted upload, a feed file converted to CSV,
DuckDB's spill files, a run's alert staging) is made by ``scratch_folder(kind)``: a
``tempfile.TemporaryDirectory`` named ``zx-<kind>-<pid>-<random>`` (mode 700). It is removed when
its ``with`` block ends; a process killed with SIGKILL (or the OOM killer) never gets there, and
the folder may hold plain ID numbers. ``scratch_sweep()`` removes every such folder whose process
no longer exists: the worker calls it when it starts (zhenxing/jobs). A folder of a live process
is never touched, whichever process sweeps.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "zx-"
NAME = re.compile(r"^zx-([a-z]+)-(\d+)-[a-z0-9_]+$")


def scratch_folder(kind: str) -> tempfile.TemporaryDirectory:
    """A private temporary folder (``with scratch_folder("feed") as tmp:``), removed on exit."""
    if not re.fullmatch(r"[a-z]+", kind):
        raise ValueError(kind)
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{kind}-{os.getpid()}-")


def process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def scratch_sweep(*, root: Path | None = None) -> list[Path]:
    """Remove the scratch folders under ``root`` (the temporary directory) whose process is gone;
    the folders removed."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return []
    for path in entries:
        found = NAME.match(path.name)
        if not found or path.is_symlink() or not path.is_dir() or process_alive(int(found.group(2))):
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return sorted(removed)
