"""Close-out (销号) is the lead unit's check against the checklist with evidence; it can be reopened."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhenxing.audit.models import AuditEntry
from zhenxing.ledger import services
from zhenxing.ledger.models import TaskStatus

from .conftest import D, assignment, give_all_evidence


def test_submitting_without_the_checklist_evidence_is_refused(w, ledger):
    a = assignment(ledger, 6, w.r.tahe)
    items = list(a.task.checklist.all())
    services.evidence_set(actor=w.tahe, assignment=a, item=items[0], text="已完成")
    with pytest.raises(ValidationError) as exc:
        services.assignment_transition(actor=w.tahe, assignment=a, action="submit")
    assert "第2项" in str(exc.value)
    a.refresh_from_db()
    assert a.status == TaskStatus.NOT_STARTED


def test_close_out_is_refused_when_evidence_went_missing_after_submission(w, ledger, water_lead):
    a = assignment(ledger, 6, w.r.tahe)
    give_all_evidence(w.tahe, a)
    services.assignment_transition(actor=w.tahe, assignment=a, action="submit")
    a.evidence.first().delete()
    with pytest.raises(ValidationError, match="未提供佐证"):
        services.assignment_transition(actor=water_lead, assignment=a, action="close")


def test_only_the_lead_unit_closes_out(w, ledger, water_lead):
    a = assignment(ledger, 6, w.r.tahe)
    give_all_evidence(w.tahe, a)
    services.assignment_transition(actor=w.tahe, assignment=a, action="submit", on=D(2022, 11, 30))
    with pytest.raises(ValidationError, match="无权"):
        services.assignment_transition(actor=w.tahe, assignment=a, action="close")
    services.assignment_transition(actor=water_lead, assignment=a, action="close", on=D(2022, 12, 2))
    a.refresh_from_db()
    assert (a.status, a.closed_on) == (TaskStatus.CLOSED, D(2022, 12, 2))
    assert AuditEntry.objects.filter(
        action="transition", model="ledger.assignment", object_id=str(a.pk), extra__action="close"
    ).exists()


def test_reopening_needs_a_reason_and_clears_the_close_out(w, ledger):
    a = assignment(ledger, 1, w.r.huma)
    give_all_evidence(w.huma, a)
    services.assignment_transition(actor=w.huma, assignment=a, action="submit")
    services.assignment_transition(actor=w.diqu, assignment=a, action="close")
    with pytest.raises(ValidationError, match="理由"):
        services.assignment_transition(actor=w.diqu, assignment=a, action="reopen", reason="  ")
    services.assignment_transition(actor=w.diqu, assignment=a, action="reopen", reason="抽查发现排查不全")
    a.refresh_from_db()
    assert (a.status, a.closed_on, a.submitted_on) == (TaskStatus.IN_PROGRESS, None, None)
    assert a.events.last().reason == "抽查发现排查不全"


def test_a_stale_version_is_refused(w, ledger):
    a = assignment(ledger, 2, w.r.tahe)
    give_all_evidence(w.tahe, a)
    with pytest.raises(ValidationError, match="他人更新"):
        services.assignment_transition(actor=w.tahe, assignment=a, action="submit", expected_version=a.version + 5)


def test_a_county_cannot_act_on_another_countys_assignment(w, ledger):
    a = assignment(ledger, 2, w.r.huma)
    with pytest.raises(ValidationError, match="无权"):
        services.report_add(actor=w.tahe, assignment=a, text="进展")


def test_the_first_report_starts_the_task(w, ledger):
    a = assignment(ledger, 3, w.r.tahe)
    r = services.report_add(actor=w.tahe, assignment=a, text="已制定方案", on=D(2022, 5, 31))
    a.refresh_from_db()
    assert a.status == TaskStatus.IN_PROGRESS
    assert r.period == D(2022, 5, 1)
