"""Import jobs from the upload page: the file and its progress live on disk (var/media/registry-imports),
so any web worker can answer the progress poll and nothing depends on an uncommitted transaction."""
from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

# Tests switch this off to run the import inside the request.
RUN_IN_BACKGROUND = True


def _dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "registry-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create(*, user, filename: str, data: bytes, only_valid: bool) -> str:
    token = secrets.token_hex(16)
    (_dir() / f"{token}.data").write_bytes(data)
    save(token, {"user": user.pk, "filename": filename, "only_valid": only_valid, "state": "uploaded",
                 "stage": "", "done": 0, "total": 0, "report": None, "preview": None})
    return token


def load(token: str, user) -> dict | None:
    if not token.isalnum() or len(token) != 32:
        return None
    path = _dir() / f"{token}.json"
    if not path.exists():
        return None
    job = json.loads(path.read_text())
    return job if job["user"] == user.pk else None


def save(token: str, job: dict) -> None:
    tmp = _dir() / f"{token}.json.tmp"
    tmp.write_text(json.dumps(job, ensure_ascii=False))
    tmp.replace(_dir() / f"{token}.json")


def data(token: str) -> bytes:
    return (_dir() / f"{token}.data").read_bytes()


def run(token: str, *, user, request=None) -> None:
    """Commit the job's import (in a thread unless RUN_IN_BACKGROUND is off)."""
    job = load(token, user)
    job["state"] = "running"
    save(token, job)

    def work():
        from .imports import Unreadable, run_import

        last = [0.0]

        def progress(stage, done, total):
            now = time.monotonic()
            if now - last[0] > 0.3 or done >= total:
                last[0] = now
                job.update(stage=stage, done=done, total=total)
                save(token, job)

        try:
            report = run_import(data(token), filename=job["filename"], actor=user, only_valid=job["only_valid"],
                                request=request, progress=progress)
            job.update(state="done", report=report.as_json())
        except Unreadable as exc:
            job.update(state="done", report={"committed": False, "households": {}, "members": {},
                                             "errors": [{"row": None, "column": "", "message": str(exc)}]})
        except Exception as exc:  # the import is atomic: nothing was written; tell the user
            job.update(state="failed", report={"committed": False, "households": {}, "members": {},
                                               "errors": [{"row": None, "column": "", "message": f"导入失败：{exc}"}]})
        finally:
            save(token, job)
            (_dir() / f"{token}.data").unlink(missing_ok=True)
            if RUN_IN_BACKGROUND:
                connection.close()

    if RUN_IN_BACKGROUND:
        threading.Thread(target=work, daemon=True, name=f"import-{token[:8]}").start()
    else:
        work()
