"""The demo data the tests start from (zhenxing/testing.py, the ``demo_data`` fixture) is the demo as
it was loaded: every table's rows, the files its loaders wrote, and ids that go on from there."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connection

from zhenxing.registry.models import Household
from zhenxing.registry.testing import make_household
from zhenxing.testing import _pg_read, _sqlite_read


def _rows(tables: dict) -> dict[str, list]:
    """Each table's rows in a stable order (PostgreSQL: lines of COPY text)."""
    if connection.vendor == "postgresql":
        return {t: sorted(data.splitlines()) for t, data in tables.items()}
    return {t: sorted(rows, key=repr) for t, (_width, rows) in tables.items()}


def test_the_copied_demo_is_the_demo_as_loaded(demo_snapshot, demo_data):
    now = _pg_read()[0] if connection.vendor == "postgresql" else _sqlite_read()
    assert _rows(now) == _rows(demo_snapshot.tables)
    assert Household.objects.count() >= 2000 and not demo_snapshot.media.samefile(settings.MEDIA_ROOT)
    written = [p.relative_to(demo_snapshot.media) for p in demo_snapshot.media.rglob("*") if p.is_file()]
    assert written  # the reports, their charts, the screening store
    for name in written:
        assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == (demo_snapshot.media / name).read_bytes()
    # new rows take ids after the demo's
    top = Household.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert make_household(village=Household.objects.first().village).pk > top
