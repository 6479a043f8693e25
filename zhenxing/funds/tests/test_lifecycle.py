"""The project lifecycle: order, levels, evidence, completeness, negative list, roll-over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.funds import services
from zhenxing.funds.models import STATUS_ORDER, Project, ProjectStatus, ProjectTransition
from zhenxing.funds.testing import fund_project, make_project

TODAY = timezone.localdate


def step(actor, project, to, evidence="十八站乡审核意见〔2022〕3号", date=None):
    return services.project_transition(actor=actor, project=project, to=to, date=date or TODAY(), evidence=evidence)


def test_village_declares_township_reviews_county_approves(w):
    p = services.project_create(
        actor=w.fendou,
        village=w.r.fendou,
        code="XM-1",
        **__import__("zhenxing.funds.testing", fromlist=["x"]).complete_fields(),
    )
    assert p.status == ProjectStatus.DECLARED and p.county == w.r.tahe
    p = step(w.shibazhan, p, "township_reviewed")
    p = step(w.tahe, p, "appraised", "论证会纪要")
    p = step(w.tahe, p, "approved", "塔河县项目库审定会议纪要〔2022〕1号")
    assert p.status == ProjectStatus.APPROVED and p.in_pool
    steps = list(ProjectTransition.objects.filter(project=p).values_list("to_status", "actor__username"))
    assert steps == [
        ("declared", "t-fendou"),
        ("township_reviewed", "t-shibazhan"),
        ("appraised", "t-tahe"),
        ("approved", "t-tahe"),
    ]
    assert AuditEntry.objects.filter(action="transition", object_id=str(p.pk)).count() == 3


def test_a_step_cannot_be_skipped(w):
    p = make_project(w.r.fendou)
    with pytest.raises(ValidationError, match="不能从"):
        step(w.tahe, p, "approved")


def test_wrong_level_is_refused(w):
    p = make_project(w.r.fendou)
    # the county may not do the township's review, the village cadre may not review at all
    with pytest.raises(PermissionDenied, match="乡镇工作人员"):
        step(w.tahe, p, "township_reviewed")
    with pytest.raises(PermissionDenied):
        step(w.fendou, p, "township_reviewed")
    p = step(w.shibazhan, p, "township_reviewed")
    with pytest.raises(PermissionDenied, match="县级工作人员"):
        step(w.shibazhan, p, "appraised")


def test_another_township_or_county_cannot_act(w):
    p = make_project(w.r.fendou)
    with pytest.raises(PermissionDenied, match="数据权限"):
        step(w.kaikukang_town, p, "township_reviewed")
    p = step(w.shibazhan, p, "township_reviewed")
    with pytest.raises(PermissionDenied, match="数据权限"):
        step(w.huma, p, "appraised")


def test_inspector_cannot_act(w):
    p = make_project(w.r.fendou)
    with pytest.raises(PermissionDenied, match="只读"):
        step(w.ducha, p, "township_reviewed")


def test_evidence_and_date_are_required(w):
    p = make_project(w.r.fendou)
    with pytest.raises(ValidationError, match="依据"):
        step(w.shibazhan, p, "township_reviewed", evidence="  ")
    with pytest.raises(ValidationError, match="晚于今天"):
        step(w.shibazhan, p, "township_reviewed", date=TODAY() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="早于上一步骤"):
        step(w.shibazhan, p, "township_reviewed", date=TODAY() - dt.timedelta(days=1))
    assert step(w.shibazhan, p, "township_reviewed", date=TODAY()).status == "township_reviewed"


@pytest.mark.parametrize(
    "field,empty,label",
    [
        ("benefit_mechanism", "", "利益联结机制"),
        ("performance_targets", "", "绩效目标"),
        ("budget", 0, "概算投资"),
        ("responsible_unit", "", "责任单位"),
        ("planned_households", 0, "计划受益户数"),
        ("start_planned", None, "计划开工"),
    ],
)
def test_incomplete_project_is_refused_from_the_pool(w, field, empty, label):
    p = make_project(w.r.fendou, **{field: empty})
    with pytest.raises(ValidationError, match=label):
        step(w.shibazhan, p, "township_reviewed")
    assert Project.objects.get(pk=p.pk).status == ProjectStatus.DECLARED


def test_negative_list_flags_a_project_and_blocks_approval(w):
    p = make_project(w.r.fendou, name="乡政府购置车辆", tasks="购置公务用车一辆")
    assert p.negative_flags == ["购置车辆"]
    p = step(w.shibazhan, p, "township_reviewed")
    p = step(w.tahe, p, "appraised")
    with pytest.raises(ValidationError, match="负面清单"):
        step(w.tahe, p, "approved")


def test_clean_project_has_no_negative_flag(w):
    assert make_project(w.r.fendou).negative_flags == []


def test_start_needs_money_and_handover_needs_an_asset(w):
    p = make_project(w.r.fendou, status="planned")
    assert p.plan_year == 2022
    with pytest.raises(ValidationError, match="尚未安排资金"):
        step(w.shibazhan, p, "started")
    fund_project(p, amount=100000)
    p.refresh_from_db()
    p = step(w.shibazhan, p, "started")
    assert p.started_on == TODAY()
    p = make_project(w.r.fendou, status="accepted")
    with pytest.raises(ValidationError, match="尚未登记资产"):
        step(w.tahe, p, "handed_over")


def test_full_lifecycle_to_asset_handover(w):
    p = make_project(w.r.fendou, status="handed_over")
    assert p.status == ProjectStatus.HANDED_OVER
    assert [t.to_status for t in p.transitions.order_by("id")] == STATUS_ORDER


def test_stale_version_is_refused(w):
    p = make_project(w.r.fendou)
    stale = p.version
    step(w.shibazhan, Project.objects.get(pk=p.pk), "township_reviewed")
    p2 = Project.objects.get(pk=p.pk)
    with pytest.raises(ValidationError, match="他人修改"):
        services.project_transition(
            actor=w.tahe, project=p2, to="appraised", date=TODAY(), evidence="x", expected_version=stale
        )


def test_approved_entry_is_locked(w):
    p = make_project(w.r.fendou, status="approved")
    with pytest.raises(ValidationError, match="锁定"):
        services.project_update(actor=w.tahe, project=p, name="改名")


def test_unfunded_pool_entries_roll_over_to_next_year(w):
    unfunded = make_project(w.r.fendou, status="approved")
    funded = make_project(w.r.fendou, status="approved")
    fund_project(funded, amount=1000)
    declared = make_project(w.r.fendou)
    assert services.pool_roll_over(actor=w.tahe, from_year=2022, to_year=2023) == 1
    assert Project.objects.get(pk=unfunded.pk).year == 2023
    assert Project.objects.get(pk=funded.pk).year == 2022
    assert Project.objects.get(pk=declared.pk).year == 2022
    assert services.pool_roll_over(actor=w.tahe, from_year=2022, to_year=2023) == 0


def test_the_roll_over_is_audited_for_each_project_it_moves(w):
    from zhenxing.audit.models import AuditEntry

    unfunded = make_project(w.r.fendou, status="approved")
    funded = make_project(w.r.fendou, status="approved")
    fund_project(funded, amount=1000)
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    services.pool_roll_over(actor=w.tahe, from_year=2022, to_year=2023)
    (entry,) = AuditEntry.objects.filter(id__gt=start, model="funds.project", action="update")
    assert (entry.object_id, entry.actor_id, entry.before["year"], entry.after["year"]) == (
        str(unfunded.pk),
        w.tahe.pk,
        2022,
        2023,
    )
