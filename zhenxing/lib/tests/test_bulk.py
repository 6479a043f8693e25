"""lib/bulk.indexes_rebuilt: a bulk insert that at least doubles a table drops its secondary indexes
and builds them again from their own definitions (PostgreSQL); smaller inserts keep them."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from zhenxing.lib import bulk

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_indexes is PostgreSQL's"),
]

TABLE = "screening_alert"


def _indexes() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [TABLE])
        return dict(cur.fetchall())


def _present_inside() -> set[str]:
    return set(_indexes())


def test_indexes_are_dropped_for_the_insert_and_built_again_the_same():
    before = _indexes()
    assert "alert_raised" in before and "alert_one_open_per_subject_rule" in before
    with transaction.atomic():
        with bulk.indexes_rebuilt(TABLE, rows=1000, existing=999, minimum=1000) as rebuilt:
            inside = _present_inside()
        assert rebuilt is True
        assert inside == {"screening_alert_pkey"}  # the primary key's constraint stays
        assert _indexes() == before


@pytest.mark.parametrize(("rows", "existing"), [(999, 0), (1000, 1001)])
def test_a_small_insert_or_one_into_a_larger_table_keeps_the_indexes(rows, existing):
    before = _indexes()
    with transaction.atomic():
        with bulk.indexes_rebuilt(TABLE, rows=rows, existing=existing, minimum=1000) as rebuilt:
            assert _indexes() == before
    assert rebuilt is False


def test_a_failure_inside_rolls_the_dropped_indexes_back():
    before = _indexes()
    with pytest.raises(RuntimeError), transaction.atomic():
        with bulk.indexes_rebuilt(TABLE, rows=10, existing=0, minimum=1):
            raise RuntimeError("写入失败")
    assert _indexes() == before
