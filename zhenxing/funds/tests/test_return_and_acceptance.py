"""Sending a project back (退回修改) or refusing it (不予入库) at the township and county, with a
reason; 验收 only after 竣工 with the year's minimum days passed and share of the budget paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.funds import services, workflow
from zhenxing.funds.models import Project, ProjectStatus, ProjectTransition, YearParameter
from zhenxing.funds.testing import advance, make_project

TODAY = timezone.localdate


def step(actor, project, to, *, note="", evidence="审核意见〔2022〕3号", date=None):
    return services.project_transition(
        actor=actor,
        project=Project.objects.get(pk=project.pk),
        to=to,
        date=date or TODAY(),
        evidence=evidence,
        note=note,
    )


# --- 退回 and 不予入库 ----------------------------------------------------------------------------------


def test_the_township_sends_back_with_a_reason_and_the_village_declares_again(w):
    p = make_project(w.r.fendou)
    with pytest.raises(ValidationError, match="理由"):
        step(w.shibazhan, p, "returned", evidence="")
    p = step(w.shibazhan, p, "returned", note="利益联结机制不具体，请补充带动脱贫户的方式", evidence="")
    assert p.status == ProjectStatus.RETURNED
    record = ProjectTransition.objects.filter(project=p).order_by("-id").first()
    assert (record.to_status, record.note) == ("returned", "利益联结机制不具体，请补充带动脱贫户的方式")
    assert AuditEntry.objects.filter(
        action="transition", object_id=str(p.pk), extra__reason="利益联结机制不具体，请补充带动脱贫户的方式"
    ).exists()
    # the village edits the returned project and declares it again; the township may then review it
    p = services.project_update(actor=w.fendou, project=p, benefit_mechanism="务工带动30户，收益分红到户")
    p = step(w.fendou, p, "declared")
    assert p.status == ProjectStatus.DECLARED
    assert step(w.shibazhan, p, "township_reviewed").status == ProjectStatus.TOWNSHIP_REVIEWED


@pytest.mark.parametrize("at", ["township_reviewed", "appraised"])
def test_the_county_sends_back_or_refuses_before_the_pool(w, at):
    back, refused = make_project(w.r.fendou, status=at), make_project(w.r.fendou, status=at)
    assert step(w.tahe, back, "returned", note="概算偏高，请重新测算", evidence="").status == ProjectStatus.RETURNED
    p = step(w.tahe, refused, "refused", note="属负面清单用途", evidence="")
    assert p.status == ProjectStatus.REFUSED
    # refused is final: nothing more may be done, and the entry can no longer be edited
    assert workflow.available(p, w.tahe) == [] and workflow.available(p, w.fendou) == []
    with pytest.raises(ValidationError, match="锁定"):
        services.project_update(actor=w.fendou, project=p, tasks="改")


def test_each_level_sends_back_only_at_its_own_step(w):
    declared = make_project(w.r.fendou)
    with pytest.raises(PermissionDenied):
        step(w.tahe, declared, "returned", note="理由")  # the township's turn
    with pytest.raises(PermissionDenied):
        step(w.fendou, declared, "refused", note="理由")  # a village cannot refuse
    reviewed = make_project(w.r.fendou, status="township_reviewed")
    with pytest.raises(PermissionDenied):
        step(w.shibazhan, reviewed, "returned", note="理由")  # the county's turn now
    with pytest.raises(PermissionDenied, match="数据权限"):
        step(w.huma, reviewed, "refused", note="理由")  # another county


def test_an_approved_project_cannot_be_sent_back(w):
    p = make_project(w.r.fendou, status="approved")
    with pytest.raises(ValidationError, match="不能从"):
        step(w.tahe, p, "returned", note="理由")


def test_the_api_sends_back_with_a_note(client, w):
    from zhenxing.accounts import services as account_services

    p = make_project(w.r.fendou)
    token = account_services.api_token_issue(user=w.shibazhan)[0]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/funds/projects/{p.pk}/transition"
    r = client.post(url, {"to": "returned", "date": TODAY().isoformat()}, content_type="application/json", **auth)
    assert r.status_code == 422 and "理由" in r.content.decode()
    r = client.post(
        url,
        {"to": "returned", "date": TODAY().isoformat(), "note": "缺少实施方案"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"


# --- 验收 ------------------------------------------------------------------------------------------------


def _completed(w, *, days_ago: int, budget=Decimal("100000")) -> Project:
    """A project declared, funded (its budget) and built ``days_ago`` days ago (竣工 that day), nothing paid."""
    on = TODAY() - dt.timedelta(days=days_ago)
    p = services.project_create(
        actor=None,
        village=w.r.fendou,
        code=f"YS-{days_ago}-{budget}",
        declared_on=on,
        **__import__("zhenxing.funds.testing", fromlist=["x"]).complete_fields(budget=budget),
    )
    return advance(Project.objects.get(pk=p.pk), "completed", date=on)


def _pay(p, amount, on):
    services.payment_create(
        actor=None,
        project=Project.objects.get(pk=p.pk),
        date=on,
        amount=amount,
        payee_name="某公司",
        voucher_number=f"V-{p.pk}-{amount}-{on}",
    )


def test_acceptance_needs_completion_first(w):
    p = make_project(w.r.fendou, status="in_progress")
    with pytest.raises(ValidationError, match="不能从"):
        step(w.tahe, p, "accepted")


@pytest.mark.parametrize("days,ok", [(14, False), (15, True)])
def test_acceptance_waits_the_minimum_days_after_completion(w, days, ok):
    p = _completed(w, days_ago=days)
    assert Project.objects.get(pk=p.pk).completed_on == TODAY() - dt.timedelta(days=days)
    _pay(p, Decimal("50000"), p.completed_on)
    if ok:
        assert step(w.tahe, p, "accepted").status == ProjectStatus.ACCEPTED
    else:
        with pytest.raises(ValidationError, match="竣工后须满 15 天"):
            step(w.tahe, p, "accepted")


@pytest.mark.parametrize("paid,ok", [(Decimal("49999.99"), False), (Decimal("50000"), True)])
def test_acceptance_needs_the_minimum_share_of_the_budget_paid(w, paid, ok):
    p = _completed(w, days_ago=20)
    _pay(p, paid, p.completed_on)
    if ok:
        assert step(w.tahe, p, "accepted").status == ProjectStatus.ACCEPTED
    else:
        with pytest.raises(ValidationError, match="不少于概算的 50%"):
            step(w.tahe, p, "accepted")


def test_a_payment_dated_after_acceptance_does_not_count(w):
    p = _completed(w, days_ago=20)
    _pay(p, Decimal("60000"), TODAY())
    with pytest.raises(ValidationError, match="已支付 0 元"):
        step(w.tahe, p, "accepted", date=TODAY() - dt.timedelta(days=1))


def test_nothing_paid_same_day_is_refused_with_both_reasons(w):
    p = _completed(w, days_ago=0)
    with pytest.raises(ValidationError) as refused:
        step(w.tahe, p, "accepted")
    message = " ".join(refused.value.messages)
    assert "竣工后须满" in message and "已支付 0 元" in message


def test_the_rules_are_yearly_parameters_and_a_county_may_set_its_own(w):
    services.year_parameter_set(
        actor=w.diqu,
        year=TODAY().year,
        industry_min_share="0.55",
        max_projects_per_household=3,
        acceptance_min_days=30,
        acceptance_min_paid_share="0.8",
    )
    p = _completed(w, days_ago=20)
    _pay(p, Decimal("60000"), p.completed_on)
    with pytest.raises(ValidationError, match="满 30 天"):
        step(w.tahe, p, "accepted")
    YearParameter.objects.create(
        year=TODAY().year, county=w.r.tahe, acceptance_min_days=0, acceptance_min_paid_share=Decimal("0.6")
    )
    assert step(w.tahe, p, "accepted").status == ProjectStatus.ACCEPTED


def test_parameter_values_are_checked(w):
    with pytest.raises(ValidationError, match="0到1之间"):
        services.year_parameter_set(
            actor=w.diqu,
            year=2022,
            industry_min_share="0.55",
            max_projects_per_household=3,
            acceptance_min_paid_share="1.5",
        )
    with pytest.raises(ValidationError, match="0到365"):
        services.year_parameter_set(
            actor=w.diqu, year=2022, industry_min_share="0.55", max_projects_per_household=3, acceptance_min_days=400
        )


def test_the_page_sends_back_and_the_village_finds_it_in_its_work(w, login):
    from django.urls import reverse

    from zhenxing.funds import pending

    p = make_project(w.r.fendou)
    # the township has one line for the declared project (sending back is not a second piece of work)
    assert [i.label for i in pending.pending(w.shibazhan) if i.category == "项目库"] == ["待乡镇审核通过的项目"]
    client = login(w.shibazhan)
    page = client.get(reverse("funds:project", args=[p.pk])).content.decode()
    assert "退回村级修改" in page and "乡镇审核不予入库" in page
    response = client.post(
        reverse("funds:project_transition", args=[p.pk]),
        {"to": "returned", "date": TODAY().isoformat(), "evidence": "", "note": "请补充绩效目标", "version": p.version},
    )
    assert response.status_code == 302 and Project.objects.get(pk=p.pk).status == ProjectStatus.RETURNED
    assert [(i.label, i.count) for i in pending.pending(w.fendou) if i.category == "项目库"] == [
        ("待修改后重新申报的项目", 1)
    ]
    assert "请补充绩效目标" in login(w.fendou).get(reverse("funds:project", args=[p.pk])).content.decode()
