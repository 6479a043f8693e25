"""Visits (走访) of a monitored household: recorded from the pages, the API and the field app (a
phone's resend is idempotent by its client id), each a case event; a visit's income measurement
becomes the household's income of its year through the registry's one record service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.lib.errors import require_current
from zhenxing.registry.models import Household
from zhenxing.registry.services import IncomeFigure, household_record_apply

from . import workflow
from .models import Helper, MonitoringCase, Visit
from .services import _check_file, _event, _parse_money, _store_file, _today


def visit_add(
    *,
    actor,
    case: MonitoringCase,
    date: dt.date,
    changes: str,
    per_capita_income=None,
    files: Iterable[tuple[str, object]] = (),
    client_id: str = "",
    version: int | None = None,
) -> Visit:
    """``client_id`` (a phone's idempotency key): a resend returns the visit recorded the first time
    (``visit.resent`` is True). ``version`` (the case version the phone's form was based on):
    when given and no longer current, nothing is written (StaleVersion, 409)."""
    scope.require_write(actor, case, "monitoring.case.help")
    client_id = (client_id or "").strip()[:64]
    if client_id:
        earlier = Visit.objects.filter(case=case, client_id=client_id).first()
        if earlier is not None:
            earlier.resent = True
            return earlier
    require_current(
        version, case.version, f"离线期间该案件已有变化（现为“{case.state_label}”），请确认走访记录后重新提交"
    )
    if not (case.state in workflow.MONITORED_STATES or (case.fast_track and case.is_open)):
        raise ValidationError("纳入监测（或先帮扶后认定）后方可登记走访")
    if date > _today():
        raise ValidationError({"date": ["走访日期不能晚于今天"]})
    if not changes.strip():
        raise ValidationError({"changes": ["请填写家庭变化情况"]})
    income = _parse_money(per_capita_income, "per_capita_income")
    files = list(files)
    for kind, f in files:
        _check_file(kind, f)
    helper = Helper.objects.filter(user=actor, village=case.village).first() or case.helper
    try:
        with transaction.atomic(), acting(actor):
            visit = _visit_write(
                case=case,
                actor=actor,
                date=date,
                helper=helper,
                changes=changes,
                income=income,
                files=files,
                client_id=client_id,
            )
    except IntegrityError:  # the same client id sent twice at once: the other request recorded it
        if not client_id:
            raise
        visit = Visit.objects.get(case=case, client_id=client_id)
        visit.resent = True
    return visit


def _visit_write(*, case, actor, date, helper, changes, income, files, client_id) -> Visit:
    visit = Visit.objects.create(
        case=case,
        date=date,
        helper=helper,
        changes=changes.strip(),
        per_capita_income=income,
        recorded_by=actor,
        client_id=client_id,
    )
    for kind, f in files:
        _store_file(case=case, kind=kind, f=f, actor=actor, visit=visit)
    _event(
        case=case,
        actor=actor,
        transition="visit",
        label="走访",
        on=date,
        reason=visit.changes,
        data={"visit": visit.pk, "per_capita_income": income},
    )
    _visit_income_recorded(actor=actor, case=case, visit=visit)
    return visit


def _visit_income_recorded(*, actor, case: MonitoringCase, visit: Visit) -> None:
    """A visit's income measurement (annualised, per person) becomes the household's income of the
    visit's year — unless a later visit of the same year already measured it (a visit entered late)."""
    if visit.per_capita_income is None:
        return
    later = case.visits.filter(
        per_capita_income__isnull=False, date__year=visit.date.year, date__gt=visit.date
    ).exists()
    if later:
        return
    household = Household.objects.get(pk=case.household_id)
    household_record_apply(
        actor=actor,
        household=household,
        income=IncomeFigure(
            year=visit.date.year, net_income=visit.per_capita_income * max(household.living_members, 1)
        ),
        source=f"monitoring.visit:{visit.pk}",
        source_label=f"监测案件 {case.number} {visit.date:%Y年%m月%d日}走访测算收入",
    )
