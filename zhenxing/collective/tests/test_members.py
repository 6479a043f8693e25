"""Membership confirmation, shares and 股权证: the procedure, maker ≠ checker, the village scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.collective import services
from zhenxing.collective.models import MemberEvent, ShareChange, ShareHolding
from zhenxing.collective.testing import confirmed, make_org, people
from zhenxing.lib.errors import StaleVersion
from zhenxing.registry.idnumber import make as make_id

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def org(w):
    return make_org(w.r.fendou, labour_share_per_year=Decimal("0.5"))


def test_one_organisation_per_village_registered_by_township_or_county(w, org):
    with pytest.raises(ValidationError, match="已有集体经济组织"):
        make_org(w.r.fendou)
    with pytest.raises(PermissionDenied):
        services.organisation_register(actor=w.kaikukang, village=w.r.kaikukang, name="开库康村股份经济合作社")
    with pytest.raises(PermissionDenied):  # a township registers in its own township only
        services.organisation_register(actor=w.shibazhan, village=w.r.kaikukang, name="开库康村股份经济合作社")
    assert services.organisation_register(actor=w.kaikukang_town, village=w.r.kaikukang, name="开库康村股份经济合作社")


def test_applicant_must_be_in_the_registry_of_the_village(w, org):
    (elsewhere,) = people(w.r.kaikukang, 1)
    with pytest.raises(ValidationError, match="户籍不在本村"):
        services.member_apply(actor=w.fendou, organisation=org, id_number=elsewhere, applied_on=TODAY)
    with pytest.raises(ValidationError, match="没有此人"):
        services.member_apply(
            actor=w.fendou, organisation=org, id_number=make_id(born=dt.date(1950, 5, 5), seq=3), applied_on=TODAY
        )


def test_the_procedure_and_maker_is_not_checker(w, org):
    (num,) = people(w.r.fendou, 1)
    m = services.member_apply(actor=w.fendou, organisation=org, id_number=num, applied_on=TODAY, labour_years=10)
    assert not hasattr(m, "name") and len(m.id_hash) == 64  # no personal data copied
    with pytest.raises(ValidationError, match="民主评议的会议"):
        services.member_transition(actor=w.fendou, member=m, code="appraise", today=TODAY)
    services.member_transition(
        actor=w.fendou, member=m, code="appraise", evidence="2026年11月成员代表大会", today=TODAY
    )
    services.member_transition(actor=w.fendou, member=m, code="post", today=TODAY)
    # the posting lasts 7 days: the 6th day is too early, the 7th is fine
    with pytest.raises(PermissionDenied, match="登记人以外"):
        services.member_transition(actor=w.fendou, member=m, code="confirm", today=TODAY + dt.timedelta(days=7))
    with pytest.raises(ValidationError, match="公示期7天未满"):
        services.member_transition(actor=w.shibazhan, member=m, code="confirm", today=TODAY + dt.timedelta(days=6))
    services.member_transition(actor=w.shibazhan, member=m, code="confirm", today=TODAY + dt.timedelta(days=7))
    m.refresh_from_db()
    assert (m.state, m.confirmed_by, m.version) == ("confirmed", w.shibazhan, 4)
    shares = dict(ShareHolding.objects.filter(member=m).values_list("kind", "shares"))
    assert shares == {"population": Decimal("1.00"), "labour": Decimal("5.00")}
    assert ShareChange.objects.filter(to_member=m, kind="allot").count() == 2
    assert list(MemberEvent.objects.filter(member=m).values_list("code", flat=True)) == [
        "apply",
        "appraise",
        "post",
        "confirm",
    ]


def test_stale_version_writes_nothing(w, org):
    (num,) = people(w.r.fendou, 1)
    m = services.member_apply(actor=w.fendou, organisation=org, id_number=num, applied_on=TODAY)
    with pytest.raises(StaleVersion):
        services.member_transition(actor=w.fendou, member=m, code="appraise", evidence="会议", version=0)
    m.refresh_from_db()
    assert m.state == "applied"


def test_another_village_cannot_write(w, org):
    (num,) = people(w.r.fendou, 1)
    with pytest.raises(PermissionDenied):
        services.member_apply(actor=w.kaikukang, organisation=org, id_number=num, applied_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.member_apply(actor=w.ducha, organisation=org, id_number=num, applied_on=TODAY)
    m = services.member_apply(actor=w.fendou, organisation=org, id_number=num, applied_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.member_transition(actor=w.yongfeng, member=m, code="appraise", evidence="会议")


def test_one_membership_at_a_time_and_leaving_needs_a_reason(w, org):
    (num,) = people(w.r.fendou, 1)
    m = confirmed(org, num)
    with pytest.raises(ValidationError, match="已是本组织成员"):
        services.member_apply(actor=w.fendou, organisation=org, id_number=num, applied_on=TODAY)
    with pytest.raises(ValidationError):
        services.member_transition(actor=w.fendou, member=m, code="leave", reason="", left_reason="death")
    with pytest.raises(ValidationError, match="原因"):
        services.member_transition(actor=w.fendou, member=m, code="leave", reason="病故", left_reason="x")
    services.member_transition(actor=w.fendou, member=m, code="leave", reason="病故", left_reason="death")
    m.refresh_from_db()
    assert (m.state, m.left_reason) == ("left", "death")


def test_certificate_numbers_are_unique_and_only_for_confirmed(w, org):
    a, b = people(w.r.fendou, 2)
    ma, mb = confirmed(org, a), confirmed(org, b)
    services.certificate_issue(actor=w.fendou, member=ma, number="FD-001", issued_on=TODAY)
    with pytest.raises(ValidationError, match="已使用"):
        services.certificate_issue(actor=w.fendou, member=mb, number="FD-001", issued_on=TODAY)


def test_inheritance_inside_the_organisation_only(w, org):
    a, b = people(w.r.fendou, 2)
    ma, mb = confirmed(org, a, labour_years=4), confirmed(org, b)
    with pytest.raises(ValidationError, match="已故成员"):
        services.share_transfer(
            actor=w.fendou,
            from_member=ma,
            to_member=mb,
            kind="inherit",
            share_kind="labour",
            shares=2,
            approval="理事会决议",
            date=TODAY,
        )
    services.member_transition(actor=w.fendou, member=ma, code="leave", reason="病故", left_reason="death")
    ma.refresh_from_db()
    with pytest.raises(ValidationError, match="不足"):
        services.share_transfer(
            actor=w.fendou,
            from_member=ma,
            to_member=mb,
            kind="inherit",
            share_kind="labour",
            shares=3,
            approval="理事会决议",
            date=TODAY,
        )
    services.share_transfer(
        actor=w.fendou,
        from_member=ma,
        to_member=mb,
        kind="inherit",
        share_kind="labour",
        shares=2,
        approval="理事会决议",
        date=TODAY,
    )
    assert ShareHolding.objects.get(member=mb, kind="labour").shares == Decimal("2.00")
    assert ShareHolding.objects.get(member=ma, kind="labour").shares == Decimal("0.00")
