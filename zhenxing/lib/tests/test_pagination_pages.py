"""The pages' count: exact up to the cap, "超过 N" (capped) from cap + 1; keyset cursors."""

from __future__ import annotations

import pytest

from zhenxing.lib.pagination import COUNT_CAP, count_capped, decode_cursor, encode_cursor, keyset_slice
from zhenxing.regions.models import Region


@pytest.mark.django_db
def test_count_is_exact_at_the_cap_and_capped_one_above(w):
    qs = Region.objects.all()
    n = qs.count()
    assert count_capped(qs, cap=n) == (n, False)  # exactly at the cap: exact
    assert count_capped(qs, cap=n - 1) == (n - 1, True)  # cap + 1 rows: "超过 cap"
    assert count_capped(qs.none()) == (0, False) and COUNT_CAP == 1000


@pytest.mark.django_db
def test_keyset_slice_walks_a_sorted_column_with_ties_once(w):
    qs = Region.objects.all()
    expected = list(qs.order_by("-depth", "code", "-pk").values_list("pk", flat=True))
    seen, cursor = [], ""
    while True:
        rows, cursor = keyset_slice(qs, order=("-depth", "code", "-pk"), cursor=cursor, size=3)
        seen += [r.pk for r in rows]
        if not cursor:
            break
    assert seen == expected


def test_cursor_round_trip_and_foreign_cursors():
    assert decode_cursor(encode_cursor("2026-12-06 04:00:00+00:00", 7)) == ("2026-12-06 04:00:00+00:00", 7)
    assert decode_cursor("not-a-cursor") is None and decode_cursor("") is None


@pytest.mark.django_db
def test_a_foreign_or_malformed_cursor_starts_from_the_first_row(w):
    qs = Region.objects.all()
    first, _ = keyset_slice(qs, order=("code", "pk"), size=2)
    for cursor in ("not-a-cursor", encode_cursor("x", 1), "WyIxIl0="):  # garbage, wrong arity, ["1"]
        assert keyset_slice(qs, order=("code", "pk"), cursor=cursor, size=2)[0] == first


@pytest.mark.django_db
def test_the_audit_log_page_says_exact_at_the_cap_and_more_than_one_above(w, login, monkeypatch):
    from zhenxing.accounts import scope
    from zhenxing.audit.models import AuditEntry
    from zhenxing.lib import pagination

    client = login(w.diqu)
    client.get("/audit/")  # the login itself is logged
    n = scope.scoped(w.diqu, AuditEntry).count()
    monkeypatch.setattr(pagination, "COUNT_CAP", n)
    assert f"符合条件的共{n}条" in client.get("/audit/").content.decode()
    monkeypatch.setattr(pagination, "COUNT_CAP", n - 1)
    assert f"符合条件的超过{n - 1}条" in client.get("/audit/").content.decode()
