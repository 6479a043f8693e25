"""Funds services: projects (create, update, transitions) and the pool roll-over."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.audit import services as audit
from zhenxing.audit.context import acting
from zhenxing.audit.writes import audited_update
from zhenxing.regions.models import Level, Region

from .. import lifecycle, workflow
from ..models import Project, ProjectStatus, ProjectTransition
from .base import EDITABLE_STATUSES, PROJECT_FIELDS, county_of, money


def project_create(*, actor, village: Region, code: str, declared_on: dt.date | None = None, **fields) -> Project:
    scope.require_write(actor, village, "funds.project.declare")
    if village.level != Level.VILLAGE:
        raise ValidationError({"village": ["项目实施地点须具体到村"]})
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {unknown}")
    if Project.objects.filter(code=code).exists():
        raise ValidationError({"code": [f"项目编号 {code} 已存在"]})
    if "budget" in fields:
        fields["budget"] = money(fields["budget"], "budget")
    project = Project(village=village, county=county_of(village), code=code, created_by=actor, **fields)
    project.negative_flags = lifecycle.negative_hits(project)
    with transaction.atomic(), acting(actor):
        project.save()
        ProjectTransition.objects.create(
            project=project,
            from_status="",
            to_status=ProjectStatus.DECLARED,
            date=declared_on or timezone.localdate(),
            evidence="项目申报",
            actor=actor,
            actor_level=getattr(actor, "role", "") or "",
        )
    return project


def project_update(*, actor, project: Project, **fields) -> Project:
    """Edit a project's pool fields; only before county approval (an approved entry is locked)."""
    scope.require_write(actor, project, "funds.project.declare")
    if project.status not in EDITABLE_STATUSES:
        raise ValidationError({"status": ["项目已审定入库，信息已锁定，不能修改"]})
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {unknown}")
    if "budget" in fields:
        fields["budget"] = money(fields["budget"], "budget")
    with transaction.atomic(), acting(actor):
        for k, v in fields.items():
            setattr(project, k, v)
        project.negative_flags = lifecycle.negative_hits(project)
        project.version = F("version") + 1
        project.save()
        project.refresh_from_db()
    return project


def project_transition(
    *,
    actor,
    project: Project,
    to: str,
    date: dt.date,
    evidence: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Project:
    """Take one lifecycle step (see workflow.TRANSITIONS), through the one transition engine.
    ``note`` is the step's 说明; sending back (退回) and refusing (不予入库) need it as their reason."""
    step = workflow.find(project.status, to)
    if step is None:
        target = ProjectStatus(to).label if to in ProjectStatus.values else to
        raise ValidationError({"to": [f"不能从“{project.get_status_display()}”直接变更为“{target}”"]})
    workflow.MACHINE.apply(
        actor=actor,
        obj=project,
        code=step.code,
        evidence=evidence or "",
        reason=note.strip(),
        version=expected_version,
        date=date,
        note=note,
    )
    return project


def pool_roll_over(*, actor, from_year: int, to_year: int, county: Region | None = None) -> int:
    """Pool entries of ``from_year`` that were never funded move to ``to_year`` (储备项目滚动)."""
    if to_year <= from_year:
        raise ValidationError({"to_year": ["滚动年度须晚于原年度"]})
    qs = Project.objects.filter(year=from_year, status=ProjectStatus.APPROVED, assigned_total=0)
    if county is not None:
        scope.require_write(actor, county, "funds.money.write")
        qs = qs.filter(county=county)
    elif actor is not None:
        qs = scope.scoped(actor, qs)
    with transaction.atomic(), acting(actor):
        rows = list(qs.select_for_update().values_list("pk", "code"))
        ids = [pk for pk, _ in rows]
        audited_update(Project.objects.filter(pk__in=ids), year=to_year, version=F("version") + 1)
        for _pk, code in rows:
            audit.event_log(
                action="transition",
                actor=actor,
                extra={"project": code, "roll_over": True, "from_year": from_year, "to_year": to_year},
            )
    return len(rows)
