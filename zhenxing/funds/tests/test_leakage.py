"""Each leakage check on hand-made data, and no false hit on a clean set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenxing.funds import leakage, services
from zhenxing.funds.models import FindingStatus, LeakageFinding, Payment, Project, YearParameter
from zhenxing.funds.testing import fund_project, make_project
from zhenxing.registry import idnumber
from zhenxing.registry import services as registry_services
from zhenxing.registry.testing import make_household, members_of, new_id

TODAY = timezone.localdate


@pytest.fixture
def started(w):
    """A started, funded industry project in 奋斗村 (started today, budget 100,000, assigned 100,000)."""
    p = make_project(w.r.fendou, status="planned", budget=Decimal("100000"))
    fund_project(p, amount=Decimal("100000"))
    from zhenxing.funds.testing import advance

    return advance(Project.objects.get(pk=p.pk), "started")


def pay(project, amount="1000", payee="某公司", id_number="", date=None, voucher=None):
    project.refresh_from_db()
    return services.payment_create(
        actor=None,
        project=project,
        date=date or TODAY(),
        amount=amount,
        payee_name=payee,
        payee_id_number=id_number,
        voucher_number=voucher or f"V{Payment.objects.count() + 1}",
    )


def kinds(user=None):
    leakage.leakage_run(actor=user)
    return sorted(LeakageFinding.objects.filter(still_present=True).values_list("kind", flat=True))


def test_clean_set_has_no_finding(w, started):
    h = make_household(village=w.r.fendou)
    head = members_of(h)[0]
    pay(started, payee="塔河某工程公司")
    pay(started, payee=head.name, id_number=idnumber.decrypt(head.id_cipher))
    services.beneficiary_add(actor=None, project=started, household=h, way="wages", year=2022)
    assert kinds() == []


def test_payee_not_in_registry(w, started):
    p = pay(started, payee="外来人员", id_number=new_id(region="230102"))
    assert kinds() == ["not_in_registry"]
    f = LeakageFinding.objects.get()
    assert f.payment == p and p.payee_id_masked in f.detail and f.amount == Decimal("1000")


def test_payee_dead_before_the_payment(w, started):
    h = make_household(village=w.r.fendou)
    head = members_of(h)[0]
    registry_services.member_record_death(actor=None, member=head, date=TODAY())
    pay(started, payee=head.name, id_number=idnumber.decrypt(head.id_cipher), date=TODAY())  # same day: dead
    assert kinds() == ["dead"]


def test_payment_before_death_is_not_a_hit(w, started):
    h = make_household(village=w.r.fendou)
    head = members_of(h)[0]
    pay(started, payee=head.name, id_number=idnumber.decrypt(head.id_cipher), date=TODAY())
    registry_services.member_record_death(actor=None, member=head, date=TODAY() + dt.timedelta(days=1))
    assert kinds() == []


def test_beneficiary_household_with_no_living_member(w, started):
    h = make_household(village=w.r.fendou, members=[{"name": "独居老人", "relation": "head"}])
    services.beneficiary_add(actor=None, project=started, household=h, way="direct", year=2022)
    registry_services.member_record_death(actor=None, member=members_of(h)[0], date=TODAY())
    assert kinds() == ["dead"]


def test_household_reached_by_too_many_projects(w):
    YearParameter.objects.create(year=2022, max_projects_per_household=2)
    h = make_household(village=w.r.fendou)
    projects = [make_project(w.r.fendou, status="approved") for _ in range(3)]
    for p in projects[:2]:
        services.beneficiary_add(actor=None, project=p, household=h, way="wages", year=2022)
    assert kinds() == []  # exactly at the limit
    services.beneficiary_add(actor=None, project=projects[2], household=h, way="dividends", year=2022)
    assert kinds() == ["too_many_projects"]
    assert LeakageFinding.objects.get().household == h


def test_payee_is_a_staff_member(w, started):
    number = new_id()
    services.staff_identity_set(actor=w.diqu, user=w.fendou, name="张干部", id_number=number)
    pay(started, payee="张干部", id_number=number)
    assert "staff_payee" in kinds()


def test_payee_with_staff_id_but_another_name_is_not_a_staff_hit(w, started):
    number = new_id()
    services.staff_identity_set(actor=w.diqu, user=w.fendou, name="张干部", id_number=number)
    pay(started, payee="李某", id_number=number)
    assert "staff_payee" not in kinds()


def test_payee_is_in_a_staff_members_household(w, started):
    h = make_household(village=w.r.fendou)
    head, spouse = members_of(h)
    services.staff_identity_set(
        actor=w.diqu, user=w.fendou, name=head.name, id_number=idnumber.decrypt(head.id_cipher), household=h
    )
    pay(started, payee=spouse.name, id_number=idnumber.decrypt(spouse.id_cipher))
    assert kinds() == ["staff_payee"]


def test_only_admins_enter_staff_identities(w):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.staff_identity_set(actor=w.tahe, user=w.fendou, name="x", id_number=new_id())


def test_payment_above_budget(w):
    p = make_project(w.r.fendou, status="planned", budget=Decimal("1000"))
    fund_project(p, amount=Decimal("1000.01"))
    from zhenxing.funds.testing import advance

    p = advance(Project.objects.get(pk=p.pk), "started")
    pay(p, amount="1000")
    assert kinds() == []  # equal to the budget
    pay(p, amount="0.01")
    assert kinds() == ["over_budget"]
    assert LeakageFinding.objects.get().amount == Decimal("0.01")


def test_payment_before_start(w):
    p = make_project(w.r.fendou, status="planned")
    fund_project(p, amount=Decimal("5000"))
    pay(p, amount="100")  # the project has not started
    assert kinds() == ["before_start"]


def test_payment_dated_before_the_start_date(w, started):
    pay(started, date=started.started_on - dt.timedelta(days=1))
    pay(started, date=started.started_on)
    assert kinds() == ["before_start"]


def test_negative_list_project(w):
    make_project(w.r.fendou, name="偿还村级债务")
    assert kinds() == ["negative_list"]


def test_rerun_does_not_duplicate_and_marks_fixed_findings(w, started):
    pay(started, payee="外来人员", id_number=new_id(region="230102"))
    leakage.leakage_run(actor=None)
    leakage.leakage_run(actor=None)
    assert LeakageFinding.objects.count() == 1
    p = make_project(w.r.fendou, name="偿还债务")
    leakage.leakage_run(actor=None)
    services.project_update(actor=None, project=p, name="村级道路", tasks="硬化道路")
    result = leakage.leakage_run(actor=None)
    assert result.resolved == 1
    assert LeakageFinding.objects.get(kind="negative_list").still_present is False


def test_run_covers_only_the_callers_scope(w):
    make_project(w.r.fendou, name="偿还债务")
    make_project(w.r.huma_village, name="偿还债务")
    leakage.leakage_run(actor=w.tahe)
    assert list(LeakageFinding.objects.values_list("project__village__code", flat=True)) == [w.r.fendou.code]


def test_dismiss_needs_a_reason(w):
    make_project(w.r.fendou, name="偿还债务")
    leakage.leakage_run(actor=None)
    f = LeakageFinding.objects.get()
    with pytest.raises(ValidationError):
        leakage.finding_dismiss(actor=w.tahe, finding=f, reason="")
    leakage.finding_dismiss(actor=w.tahe, finding=f, reason="已核实为村集体债务化解，项目不予实施")
    assert LeakageFinding.objects.get().status == FindingStatus.DISMISSED


def test_a_finding_opens_a_rectification_item(w):
    make_project(w.r.fendou, name="偿还债务")
    leakage.leakage_run(actor=None)
    f = LeakageFinding.objects.get()
    item = leakage.finding_open_rectification(actor=w.tahe, finding=f)
    f.refresh_from_db()
    assert f.status == FindingStatus.RECTIFYING and f.rectification_ref == str(item.pk)
    assert (item.source, item.source_ref, item.region) == ("funds", f"funds.leakagefinding:{f.pk}", w.r.fendou)
    with pytest.raises(ValidationError, match="已转整改"):
        leakage.finding_open_rectification(actor=w.tahe, finding=f)


def test_leakage_page_lists_findings_for_an_inspector(w, login):
    make_project(w.r.fendou, name="偿还债务")
    leakage.leakage_run(actor=None)
    response = login(w.ducha).get("/funds/leakage/")
    assert response.status_code == 200 and "偿还债务" in response.content.decode()
    assert login(w.ducha).post("/funds/leakage/").status_code == 403
    response = login(w.huma).get("/funds/leakage/")
    assert "偿还债务" not in response.content.decode()


def test_new_and_resolved_findings_are_audited_row_by_row(w):
    from zhenxing.audit.models import AuditEntry

    p = make_project(w.r.fendou, name="偿还债务")
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    leakage.leakage_run(actor=w.tahe)
    f = LeakageFinding.objects.get()
    (created,) = AuditEntry.objects.filter(id__gt=start, model="funds.leakagefinding")
    assert (created.action, created.object_id, created.actor_id, created.after["kind"]) == (
        "create",
        str(f.pk),
        w.tahe.pk,
        f.kind,
    )
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    leakage.leakage_run(actor=w.tahe)  # still there: nothing new to log for the finding
    assert not AuditEntry.objects.filter(id__gt=start, model="funds.leakagefinding").exists()
    services.project_update(actor=w.tahe, project=p, name="修建村道")
    leakage.leakage_run(actor=w.tahe)
    resolved = AuditEntry.objects.filter(id__gt=start, model="funds.leakagefinding").get()
    assert (resolved.action, resolved.before["still_present"], resolved.after["still_present"]) == (
        "update",
        True,
        False,
    )
