"""The shares register import (.xlsx through lib.tabular: row and column named in Chinese, all or
nothing, the same file twice changes nothing) and household-level holdings (a household's shares =
its members' shares, on the household's page and the organisation's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from zhenxing.collective.imports import collective_import
from zhenxing.collective.models import ShareChange, ShareHolding
from zhenxing.collective.shares import household_shares, share_set
from zhenxing.collective.testing import confirmed, make_org, people
from zhenxing.lib.xlsx import workbook_bytes
from zhenxing.registry.idnumber import id_hash
from zhenxing.registry.models import Member

HEAD = ["身份证号", "人口股", "劳龄股", "股权证号", "核定日期", "批准文件"]
DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()


def xlsx(rows) -> bytes:
    return workbook_bytes(title="股权登记簿", columns=HEAD, rows=rows)


@pytest.fixture
def org(w):
    return make_org(w.r.fendou)


def _import(w, org, rows):
    return collective_import(actor=w.fendou, organisation=org, kind="shares", data=xlsx(rows), filename="s.xlsx")


def test_shares_register_sets_holdings_once_and_twice_changes_nothing(w, org):
    a, b = people(w.r.fendou, 2)
    ma, mb = confirmed(org, a), confirmed(org, b, labour_years=2)
    rows = [[a, "1.5", "", "GQ-001", DAY, "2024年成员代表大会决议"], [b, "1", "3.25", "", DAY, "同上"]]
    assert _import(w, org, rows) == {"created": 2, "errors": [], "more": 0}
    held = {(h.member_id, h.kind): h.shares for h in ShareHolding.objects.all()}
    assert held[(ma.pk, "population")] == Decimal("1.50") and held[(mb.pk, "labour")] == Decimal("3.25")
    ma.refresh_from_db()
    assert ma.certificate_no == "GQ-001"
    changes = ShareChange.objects.filter(kind="set").count()
    assert _import(w, org, rows)["errors"] == []  # idempotent: nothing new
    assert ShareChange.objects.filter(kind="set").count() == changes
    assert {(h.member_id, h.kind): h.shares for h in ShareHolding.objects.all()} == held


def test_a_bad_row_names_row_and_column_and_nothing_is_saved(w, org):
    a, b = people(w.r.fendou, 2)
    outsider = people(w.r.kaikukang, 1)[0]
    confirmed(org, a)
    before = list(ShareHolding.objects.values_list("member_id", "kind", "shares"))
    rows = [
        [a, "2", "", "", DAY, "决议"],  # good on its own
        [b, "1", "", "", DAY, "决议"],  # in the registry, not a confirmed member
        [outsider, "1", "", "", DAY, "决议"],  # another village
        [a, "3", "", "", DAY, "决议"],  # twice in the file
        [a[:-1], "-1", "", "", "", ""],  # bad number
    ]
    result = _import(w, org, rows)
    cells = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert result["created"] == 0
    assert "已确认身份的成员" in cells[(4, "身份证号")]
    assert "不在本村" in cells[(5, "身份证号")]
    assert "第3行重复" in cells[(6, "身份证号")]
    assert (7, "身份证号") in cells
    assert list(ShareHolding.objects.values_list("member_id", "kind", "shares")) == before
    assert not ShareChange.objects.filter(kind="set").exists()


def test_share_figure_and_approval_checked(w, org):
    a = people(w.r.fendou, 1)[0]
    confirmed(org, a)
    result = _import(w, org, [[a, "0", "1.234", "", DAY, "决议"]])
    cells = {(e["row"], e["column"]) for e in result["errors"]}
    assert {(3, "人口股")} <= cells
    result = _import(w, org, [[a, "1", "", "", DAY, ""]])
    assert {(e["row"], e["column"]) for e in result["errors"]} == {(3, "批准文件")}


def test_other_village_cannot_import(w, org):
    with pytest.raises(PermissionDenied):
        collective_import(actor=w.kaikukang, organisation=org, kind="shares", data=xlsx([]), filename="s.xlsx")


def test_household_shares_are_its_members_shares(w, org, client):
    a, b = people(w.r.fendou, 2)  # one household
    ma, mb = confirmed(org, a), confirmed(org, b, labour_years=4)
    share_set(actor=None, member=mb, figures={"labour": Decimal("2.5")}, approval="决议", date=dt.date.today())
    household = Member.objects.get(id_hash=id_hash(a)).household
    held = household_shares(household)
    expected = sum(ShareHolding.objects.filter(member__in=[ma, mb]).values_list("shares", flat=True), Decimal("0"))
    assert held.total == expected > 0 and len(held.members) == 2
    assert held.by_kind["labour"] == ShareHolding.objects.get(member=mb, kind="labour").shares
    client.force_login(w.fendou)
    page = client.get(f"/registry/{household.pk}/").content.decode()
    assert "集体经济股权" in page and f"/collective/households/{household.pk}/" in page
    page = client.get(f"/collective/households/{household.pk}/").content.decode()
    assert "全户合计" in page and str(expected) in page
    assert household.number in client.get(f"/collective/{org.pk}/").content.decode()
    client.force_login(w.kaikukang)
    assert client.get(f"/collective/households/{household.pk}/").status_code == 404


def test_household_without_members_gets_no_link(w, org, client):
    people(w.r.fendou, 1)
    household = Member.objects.order_by("-id").first().household
    client.force_login(w.fendou)
    assert "集体经济股权" not in client.get(f"/registry/{household.pk}/").content.decode()
