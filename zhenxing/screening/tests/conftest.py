from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from zhenxing.screening import feed_specs


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def feed(tmp_path, w):
    """``feed(source, rows)`` imports rows (dicts by Chinese header) through the real service."""
    from zhenxing.screening import services

    counter = iter(range(1, 10**6))

    def _feed(source: str, rows: list[dict], *, expect_ok: bool = True):
        path = write_csv(tmp_path / f"{source}-{next(counter)}.csv", source, rows)
        result, record = services.feed_import(actor=None, source=source, path=path)
        if expect_ok:
            assert result.ok, [str(e) for e in result.errors]
        return result

    return _feed


def write_csv(path: Path, source: str, rows: list[dict], *, encoding: str = "utf-8") -> Path:
    spec = feed_specs.SPECS[source]
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(spec.headers)
        for row in rows:
            writer.writerow([_s(row.get(h, "")) for h in spec.headers])
    return path


def _s(v) -> str:
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)
