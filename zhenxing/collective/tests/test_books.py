"""Distribution to the fen, contracts and arrears, the journal, imports (all or nothing), the 薄弱村 flag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from zhenxing.collective import books, selectors, services
from zhenxing.collective.disclosure import disclosure_publish
from zhenxing.collective.imports import collective_import
from zhenxing.collective.models import Contract, Disclosure, JournalEntry
from zhenxing.collective.testing import confirmed, make_org, people

TODAY = dt.date.today()


@pytest.fixture
def org(w):
    return make_org(w.r.fendou, collective_shares=Decimal("1"))


def test_allocation_adds_up_to_the_fen():
    split = services.allocate(Decimal("100.00"), [(1, Decimal("1")), (2, Decimal("1")), (3, Decimal("1"))])
    assert sorted(split.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(split.values()) == Decimal("100.00")
    assert services.allocate(Decimal("0.01"), [(1, Decimal("1")), (2, Decimal("1"))]) == {
        1: Decimal("0.01"),
        2: Decimal("0.00"),
    }


def test_distribution_lines_add_up_and_the_plan_is_approved_by_another(w, org):
    members = [confirmed(org, n) for n in people(w.r.fendou, 3)]
    plan = services.distribution_draft(
        actor=w.fendou, organisation=org, year=2026, distributable_total="10000.00", reserve_rate="0.3"
    )
    assert plan.reserve_total == Decimal("3000.00")
    # 7000 over 4 shares (3 members + 集体股 1): 1750 each
    assert (plan.collective_total, plan.dividend_total) == (Decimal("1750.00"), Decimal("5250.00"))
    assert plan.lines.aggregate(t=Sum("amount"))["t"] == plan.dividend_total
    assert plan.lines.count() == len(members)
    with pytest.raises(PermissionDenied, match="编制人以外"):
        services.distribution_transition(actor=w.fendou, distribution=plan, code="approve", evidence="成员大会")
    with pytest.raises(ValidationError, match="决议"):
        services.distribution_transition(actor=w.shibazhan, distribution=plan, code="approve")
    services.distribution_transition(actor=w.shibazhan, distribution=plan, code="approve", evidence="成员大会决议")
    services.distribution_transition(actor=w.fendou, distribution=plan, code="post", today=TODAY)
    with pytest.raises(ValidationError, match="公示期"):
        services.distribution_transition(actor=w.fendou, distribution=plan, code="pay", today=TODAY)
    services.distribution_transition(actor=w.fendou, distribution=plan, code="pay", today=TODAY + dt.timedelta(days=7))
    plan.refresh_from_db()
    assert plan.state == "paid"
    with pytest.raises(ValidationError, match="不能重新编制"):
        services.distribution_draft(
            actor=w.fendou, organisation=org, year=2026, distributable_total="1", reserve_rate="0"
        )


def test_odd_amounts_still_add_up(w):
    org = make_org(w.r.fendou, labour_share_per_year=Decimal("0.37"))
    for i, n in enumerate(people(w.r.fendou, 7)):
        confirmed(org, n, labour_years=i * 3)
    plan = services.distribution_draft(
        actor=w.fendou, organisation=org, year=2026, distributable_total="12345.67", reserve_rate="0.1337"
    )
    assert plan.reserve_total + plan.collective_total + plan.dividend_total == Decimal("12345.67")
    assert plan.lines.aggregate(t=Sum("amount"))["t"] == plan.dividend_total
    again = services.distribution_draft(
        actor=w.fendou, organisation=org, year=2026, distributable_total="999.99", reserve_rate="0"
    )  # a draft is recomputed: the old lines replaced, each removal audited
    assert again.pk == plan.pk and again.lines.count() == 7
    assert again.lines.aggregate(t=Sum("amount"))["t"] == again.dividend_total == Decimal("999.99")
    from zhenxing.audit.models import AuditEntry

    assert AuditEntry.objects.filter(model="collective.distributionline", action="delete").count() == 7


def test_distribution_of_another_village_is_refused(w, org):
    confirmed(org, people(w.r.fendou, 1)[0])
    with pytest.raises(PermissionDenied):
        services.distribution_draft(
            actor=w.kaikukang, organisation=org, year=2026, distributable_total="100", reserve_rate="0"
        )
    assert not selectors.distributions(w.kaikukang).exists()
    assert not selectors.members(w.kaikukang).exists() and selectors.members(w.shibazhan).count() == 1


def test_contract_schedule_arrears_and_payment_into_the_journal(w, org):
    start = TODAY.replace(year=TODAY.year - 2)
    c = books.contract_add(
        actor=w.fendou,
        organisation=org,
        code="FD-HT-1",
        party="张三",
        subject="林下经济用地50亩",
        start=start,
        end=start.replace(year=start.year + 4),
        annual_price="5000",
        award_method="bidding",
    )
    assert c.payments.count() == 5
    # due two years ago, a year ago and today: the first two are late, today's is not yet
    assert selectors.arrears(c.payments.all(), TODAY).count() == 2
    first = c.payments.order_by("due_on").first()
    with pytest.raises(ValidationError, match="超出"):
        books.payment_receive(actor=w.fendou, payment=first, amount="5000.01", date=TODAY)
    books.payment_receive(actor=w.fendou, payment=first, amount="5000", date=TODAY)
    assert selectors.arrears(c.payments.all(), TODAY).count() == 1
    entry = JournalEntry.objects.get(payment=first)
    assert (entry.category, entry.amount) == ("contracting", Decimal("5000.00"))
    with pytest.raises(ValidationError, match="会议记录"):
        books.contract_add(
            actor=w.fendou,
            organisation=org,
            code="FD-HT-2",
            party="李四",
            subject="水面",
            start=TODAY,
            end=TODAY,
            annual_price="100",
            award_method="democratic",
        )


def test_weak_village_threshold_is_strict(w, org, settings):
    settings.COLLECTIVE_WEAK_THRESHOLD = 50000
    books.journal_add(
        actor=w.fendou, organisation=org, date=TODAY, category="operating", amount="49999.99", summary="经营"
    )
    books.journal_add(actor=w.fendou, organisation=org, date=TODAY, category="subsidy", amount="90000", summary="补助")
    (fig,) = selectors.village_figures(selectors.organisations(w.tahe), TODAY.year)
    assert fig.weak and fig.operating == Decimal("49999.99")  # subsidies are not operating income
    books.journal_add(
        actor=w.fendou, organisation=org, date=TODAY, category="contracting", amount="0.01", summary="发包"
    )
    (fig,) = selectors.village_figures(selectors.organisations(w.tahe), TODAY.year)
    assert not fig.weak and fig.operating == Decimal("50000.00")


CSV_OK = "日期,凭证号,类别,金额,摘要\n2026-01-05,1,经营收入,1200,农机服务\n2026-02-05,2,管理费用,300,办公\n"
CSV_BAD = "日期,凭证号,类别,金额,摘要\n2026-01-05,1,经营收入,1200,农机服务\n2026-02-05,2,乱写,abc,\n"


def test_import_is_all_or_nothing_with_row_and_column(w, org):
    result = collective_import(
        actor=w.fendou, organisation=org, kind="journal", data=CSV_BAD.encode(), filename="j.csv"
    )
    assert result["created"] == 0 and not JournalEntry.objects.exists()
    cells = {(e["row"], e["column"]) for e in result["errors"]}
    assert (3, "类别") in cells
    ok = collective_import(actor=w.fendou, organisation=org, kind="journal", data=CSV_OK.encode(), filename="j.csv")
    assert ok == {"created": 2, "errors": [], "more": 0} and JournalEntry.objects.count() == 2
    with pytest.raises(PermissionDenied):
        collective_import(actor=w.kaikukang, organisation=org, kind="journal", data=CSV_OK.encode(), filename="j.csv")


def test_member_import_names_the_bad_row(w, org):
    good, other = people(w.r.fendou, 1)[0], people(w.r.kaikukang, 1)[0]
    data = f"身份证号,申请日期,劳龄\n{good},2026-11-01,3\n{other},2026-11-01,0\n".encode()
    result = collective_import(actor=w.fendou, organisation=org, kind="members", data=data, filename="m.csv")
    assert result["created"] == 0 and result["errors"] == [
        {"row": 3, "column": "身份证号", "message": "此人户籍不在本村"}
    ]
    assert not org.members.exists()


def test_disclosure_has_no_personal_numbers(w, org):
    nums = people(w.r.fendou, 2)
    for n in nums:
        confirmed(org, n)
    plan = services.distribution_draft(
        actor=w.fendou, organisation=org, year=TODAY.year, distributable_total="1000", reserve_rate="0.2"
    )
    services.distribution_transition(actor=w.shibazhan, distribution=plan, code="approve", evidence="成员大会")
    services.distribution_transition(actor=w.fendou, distribution=plan, code="post")
    quarter = (TODAY.month - 1) // 3 + 1
    out = disclosure_publish(actor=w.fendou, organisation=org, year=TODAY.year, quarter=quarter)
    assert {d.kind for d in out} == {"finance", "contracts", "distribution"}
    text = str([d.content for d in Disclosure.objects.all()])
    assert "成员1" in text and not any(n in text for n in nums)
    assert not Contract.objects.exists()


def test_debts_resolved_and_claims_collected_show_in_the_campaign(w, org):
    debt = books.debt_record(
        actor=w.fendou,
        organisation=org,
        kind="debt",
        counterparty="某建材商店",
        amount="8000",
        incurred_on=dt.date(2019, 5, 1),
        cause="村部维修材料款",
    )
    claim = books.debt_record(
        actor=w.fendou,
        organisation=org,
        kind="claim",
        counterparty="原承包户",
        amount="3000",
        incurred_on=dt.date(2020, 5, 1),
        cause="拖欠承包费",
    )
    with pytest.raises(ValidationError, match="超出"):
        books.debt_settle(actor=w.fendou, debt=debt, amount="8000.01", date=TODAY)
    books.debt_settle(actor=w.fendou, debt=debt, amount="5000", date=TODAY)
    books.debt_settle(actor=w.fendou, debt=claim, amount="3000", date=TODAY)
    with pytest.raises(PermissionDenied):
        books.debt_settle(actor=w.kaikukang, debt=debt, amount="1", date=TODAY)
    (c,) = selectors.campaign(selectors.organisations(w.tahe), TODAY)
    assert (c.debts, c.resolved, c.owed, c.collected) == (
        Decimal("3000.00"),
        Decimal("5000.00"),
        Decimal("0.00"),
        Decimal("3000.00"),
    )
    assert JournalEntry.objects.filter(category="debt_repaid").get().amount == Decimal("5000.00")
