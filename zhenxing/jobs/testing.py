"""Killing a worker in the middle of a job, for the fault tests (kill -9, then recovery).

``killed_worker(tmp_path, "module:attribute", ...)`` runs ``zhenxing worker --once`` in a
subprocess on the test's database (committed data: the test needs ``transactional_db``), with
``attribute`` of ``module`` wrapped so that the process stops at a chosen point (before or after the
call, or when a call gets a given argument, e.g. a progress stage), writes a marker and waits; the
test then kills it with SIGKILL, as the OOM killer or a power cut would. No time is asserted: the
test waits for the marker, however long a loaded machine takes to get there.

On SQLite the test database lives in memory, out of another process's reach: it is copied to a
file for the subprocess and copied back once the process is dead.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

SCRIPT = r"""
import importlib, os, sys, time
from pathlib import Path
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.test")
from django.conf import settings
settings.MEDIA_ROOT = Path(os.environ["ZX_FAULT_MEDIA"])
import django
django.setup()
target, when = sys.argv[1], sys.argv[2]
module_name, _, attr = target.partition(":")
owner = importlib.import_module(module_name)
*path, name = attr.split(".")
for part in path:
    owner = getattr(owner, part)
original = getattr(owner, name)
marker = Path(os.environ["ZX_FAULT_MARKER"])
def stop():
    marker.write_text(str(os.getpid()))
    time.sleep(3600)
def wrapped(*args, **kwargs):
    if when == "before" or (when.startswith("arg=") and when[4:] in [str(a) for a in args]):
        stop()
    out = original(*args, **kwargs)
    if when == "after":
        stop()
    return out
setattr(owner, name, wrapped)
from django.core.management import call_command
call_command("worker", "--once")
"""


def _database_url(folder: Path) -> tuple[str, Path | None]:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        file = folder / "shared.sqlite3"
        connection.ensure_connection()
        out = sqlite3.connect(file)
        connection.connection.backup(out)
        out.close()
        return f"sqlite:///{file}", file
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}", None


def killed_worker(folder: Path, target: str, when: str = "after", *, wait: float = 600) -> Path:
    """Run the worker in a subprocess until it reaches ``target`` (``when``: "before", "after" or
    "arg=VALUE"), kill it with SIGKILL and return the temporary folder it used (TMPDIR)."""
    folder = Path(folder)
    tmp = folder / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    marker = folder / "reached"
    url, file = _database_url(folder)
    env = dict(
        os.environ,
        DATABASE_URL=url,
        TMPDIR=str(tmp),
        ZX_FAULT_MEDIA=str(settings.MEDIA_ROOT),
        ZX_FAULT_MARKER=str(marker),
        JOB_HEARTBEAT_SECONDS=str(settings.JOB_HEARTBEAT_SECONDS),
        PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")]),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (folder / "worker.log").open("w")
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, target, when], env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + wait
        while not marker.exists():
            if proc.poll() is not None:
                raise AssertionError("工作进程未到达中断点就退出了：" + (folder / "worker.log").read_text())
            if time.monotonic() > deadline:
                raise AssertionError("工作进程未到达中断点")
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None and not marker.exists():
            proc.kill()
        proc.wait()
        log.close()
    if file is not None:  # SQLite: what the dead process committed, back into the test's database
        source = sqlite3.connect(file)
        source.backup(connection.connection)
        source.close()
    return tmp
