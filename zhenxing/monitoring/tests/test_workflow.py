"""Every legal and illegal transition by every role; wrong level and other regions refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.audit.models import AuditEntry
from zhenxing.monitoring import services, workflow
from zhenxing.monitoring.models import CaseEvent
from zhenxing.registry.models import MonitoringStatus

from .helpers import LEVEL_PEOPLE, OTHER_REGION, prepare

ALL_PEOPLE = [
    "diqu",
    "tahe",
    "huma",
    "shibazhan",
    "kaikukang_town",
    "fendou",
    "yongfeng",
    "kaikukang",
    "yibao",
    "minzheng",
    "ducha",
]


def _case_in(state, new_case, drive):
    start = "county_approval" if state == "county_approval" else state
    return drive(new_case(days_ago=40 if state in workflow.IDENTIFICATION_STATES else 60), start)


@pytest.mark.parametrize("name", [t.name for t in workflow.TRANSITIONS])
def test_each_transition_only_by_its_level_in_its_region(name, w, new_case, drive):
    t = workflow.BY_NAME[name]
    case = _case_in(t.source, new_case, drive)
    assert case.state == t.source
    data = prepare(case, t, w.fendou)
    right = LEVEL_PEOPLE[t.level]
    for person in ALL_PEOPLE:
        if person == right:
            continue
        with pytest.raises(PermissionDenied):
            services.case_transition(actor=getattr(w, person), case=case, name=name, version=case.version, data=data)
    case.refresh_from_db()
    assert case.state == t.source, "a refused attempt must not move the case"
    events_before = CaseEvent.objects.filter(case=case).count()
    services.case_transition(
        actor=getattr(w, right),
        case=case,
        name=name,
        version=case.version,
        data=data,
    )
    case.refresh_from_db()
    assert case.state == t.target
    event = CaseEvent.objects.filter(case=case).order_by("-id").first()
    assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    assert (event.transition, event.from_state, event.to_state, event.actor) == (
        name,
        t.source,
        t.target,
        getattr(w, right),
    )
    assert AuditEntry.objects.filter(
        action="transition", model="monitoring.monitoringcase", object_id=str(case.pk), extra__transition=name
    ).exists()


def test_other_region_same_level_refused(w, new_case, drive):
    for t in [workflow.BY_NAME["verify"], workflow.BY_NAME["township_approve"], workflow.BY_NAME["county_approve"]]:
        case = _case_in(t.source, new_case, drive)
        data = prepare(case, t, w.fendou)
        with pytest.raises(PermissionDenied, match="数据权限"):
            services.case_transition(
                actor=getattr(w, OTHER_REGION[t.level]), case=case, name=t.name, version=case.version, data=data
            )


@pytest.mark.parametrize("state", list(workflow.STATES))
def test_no_step_can_be_skipped(state, w, new_case, drive):
    """From each state, every transition that does not start there is refused, even for the right level."""
    case = _case_in(state, new_case, drive) if state != "not_admitted" else drive(new_case(), "not_admitted")
    assert case.state == state
    for t in workflow.TRANSITIONS:
        if t.source == state:
            continue
        with pytest.raises(ValidationError, match="当前环节"):
            services.case_transition(
                actor=getattr(w, LEVEL_PEOPLE[t.level]),
                case=case,
                name=t.name,
                version=case.version,
                data={"reason": "x"},
            )
    case.refresh_from_db()
    assert case.state == state


def test_county_cannot_act_before_township(w, new_case, drive):
    case = drive(new_case(), "township_review")
    with pytest.raises(ValidationError):
        services.case_transition(actor=w.tahe, case=case, name="county_approve", version=case.version, data={})


def test_return_needs_reason_and_goes_one_level_down(w, new_case, drive):
    case = drive(new_case(), "county_approval")
    with pytest.raises(ValidationError, match="意见或理由"):
        services.case_transition(actor=w.tahe, case=case, name="county_return", version=case.version, data={})
    services.case_transition(
        actor=w.tahe, case=case, name="county_return", version=case.version, data={"reason": "收入核算有误"}
    )
    case.refresh_from_db()
    assert case.state == "township_review"
    services.case_transition(
        actor=w.shibazhan, case=case, name="township_return", version=case.version, data={"reason": "请重新入户核实"}
    )
    case.refresh_from_db()
    assert case.state == "discovered" and case.posting_start is None
    assert list(case.events.values_list("transition", flat=True))[-2:] == ["county_return", "township_return"]


def test_not_admitted_records_reason_and_closes(w, new_case, drive):
    case = drive(new_case(), "verified")
    services.case_transition(
        actor=w.fendou, case=case, name="appraise_reject", version=case.version, data={"reason": "评议认为家庭收入较高"}
    )
    case.refresh_from_db()
    assert case.state == "not_admitted" and case.closing_reason == "评议认为家庭收入较高"
    assert not case.is_open


def test_full_procedure_writes_household_status(w, new_case, drive):
    case = drive(new_case(), "monitored")
    case.household.refresh_from_db()
    assert case.household.monitoring_status == MonitoringStatus.MONITORED
    assert case.household.monitoring_kind == case.kind
    case = drive(case, "eliminated")
    case.household.refresh_from_db()
    assert case.household.monitoring_status == MonitoringStatus.ELIMINATED
    assert case.eliminated_on and case.elimination_way == "assisted"
    # every step is on the timeline, in order
    steps = list(
        case.events.exclude(transition__in=["measure", "assign_helper", "visit", "measure_status"]).values_list(
            "transition", flat=True
        )
    )
    assert steps == [
        "discover",
        "verify",
        "appraise",
        "finish_posting",
        "township_approve",
        "county_approve",
        "propose_elimination",
        "elim_check",
        "elim_appraise",
        "elim_finish_posting",
        "elim_township_approve",
        "elim_county_approve",
    ]


def test_state_machine_table_is_consistent():
    for t in workflow.TRANSITIONS:
        assert t.source in workflow.STATES and t.target in workflow.STATES
        # the level whose turn it is acts (监测中 is nobody's turn: the village proposes elimination)
        assert workflow.STATES[t.source].level in {t.level, None}, t.name
