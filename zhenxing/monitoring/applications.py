"""Self-application (群众自主申报) on the public pages and the village's handling of it: submit, look
up progress, convert into a case or close. Rate limited per address and per ID number (kept in the
database, PublicAttempt)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.registry import idnumber
from zhenxing.registry.models import Household, Member, MemberStatus

from . import workflow
from .models import RISK_TYPES, Application, ApplicationStatus, Channel, MonitoringCase, PublicAttempt
from .services import _new_number, case_discover

# Public pages: (kind, key) -> (max attempts, window). Kept in the database (PublicAttempt).
RATE_LIMITS = {
    ("apply", "ip"): (5, timedelta(hours=24)),
    ("apply", "id"): (2, timedelta(hours=24)),
    ("status", "ip"): (20, timedelta(hours=1)),
}


class RateLimited(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _rate_check(kind: str, *, ip: str | None, id_hash: str = "") -> None:
    now = timezone.now()
    for (k, key), (limit, window) in RATE_LIMITS.items():
        if k != kind:
            continue
        qs = PublicAttempt.objects.filter(kind=kind, at__gte=now - window)
        if key == "ip":
            if ip is None or qs.filter(ip=ip).count() < limit:
                continue
            raise RateLimited("您提交的次数过多，请稍后再试，或到村委会、拨打12317申报")
        if key == "id" and id_hash and qs.filter(id_hash=id_hash).count() >= limit:
            raise RateLimited("该身份证号今日已提交过申请，请勿重复提交；如需补充情况请联系村委会或拨打12317")


def application_submit(
    *, name: str, phone: str, id_number: str, village, risk_type: str, description: str, ip: str | None
) -> Application:
    """A villager's own application: validated, rate limited per address and per ID number, stored,
    and placed in the village's inbox (as a new case when the applicant's household is registered)."""
    _rate_check("apply", ip=ip)
    PublicAttempt.objects.create(kind="apply", ip=ip)
    errors: dict[str, list[str]] = {}
    try:
        number = idnumber.validate(id_number)
    except idnumber.IdNumberError as exc:
        errors["id_number"] = [str(exc)]
        number = None
    name, phone, description = name.strip(), phone.strip(), description.strip()
    if not name:
        errors["name"] = ["请填写姓名"]
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not (7 <= len(digits) <= 12) or len(digits) != len(phone.replace("-", "").replace(" ", "")):
        errors["phone"] = ["请填写正确的联系电话"]
    if village is None or village.level != "village":
        errors["village"] = ["请选择所在村"]
    if risk_type not in RISK_TYPES:
        errors["risk_type"] = ["请选择遇到的困难类型"]
    if len(description) < 5:
        errors["description"] = ["请简要说明遇到的困难（至少5个字）"]
    if errors:
        raise ValidationError(errors)
    digest = idnumber.id_hash(number)
    _rate_check("apply", ip=None, id_hash=digest)
    with transaction.atomic():
        PublicAttempt.objects.create(kind="apply", ip=None, id_hash=digest)
        application = Application.objects.create(
            reference=_new_number("SQ", Application, "reference"),
            name=name,
            phone=phone,
            id_hash=digest,
            id_masked=idnumber.mask(number),
            village=village,
            risk_type=risk_type,
            description=description,
        )
        member = (
            Member.objects.filter(id_hash=digest, status=MemberStatus.ACTIVE, household__village=village)
            .select_related("household")
            .first()
        )
        if (
            member is not None
            and not MonitoringCase.objects.filter(household=member.household, state__in=workflow.OPEN_STATES).exists()
        ):
            case = case_discover(
                actor=None,
                household=member.household,
                channel=Channel.SELF_APPLICATION,
                risk_types=[risk_type],
                description=description,
                source_ref=application.reference,
            )
            application.case, application.status = case, ApplicationStatus.CASE
            application.save(update_fields=["case", "status"])
    return application


def application_convert(*, actor, application: Application, household: Household) -> MonitoringCase:
    """The village links an application whose household was not matched automatically."""
    scope.require_write(actor, household, "monitoring.application.handle")
    if application.status != ApplicationStatus.RECEIVED:
        raise ValidationError("该申请已处理")
    if household.village_id != application.village_id:
        raise ValidationError({"household": ["须选择申请人所在村的农户"]})
    with transaction.atomic(), acting(actor):
        case = case_discover(
            actor=actor,
            household=household,
            channel=Channel.SELF_APPLICATION,
            risk_types=[application.risk_type],
            description=application.description,
            source_ref=application.reference,
            discovered_on=timezone.localtime(application.created_at).date(),
        )
        application.case, application.status = case, ApplicationStatus.CASE
        application.save(update_fields=["case", "status"])
    return case


def application_close(*, actor, application: Application, note: str) -> Application:
    scope.require_write(actor, application, "monitoring.application.handle")
    if application.status != ApplicationStatus.RECEIVED:
        raise ValidationError("该申请已处理")
    if not note.strip():
        raise ValidationError({"note": ["请填写办结说明"]})
    with transaction.atomic(), acting(actor):
        application.status, application.closing_note = ApplicationStatus.CLOSED, note.strip()[:300]
        application.save(update_fields=["status", "closing_note"])
    return application


PUBLIC_STAGES = {
    "discovered": "村级入户核实中",
    "verified": "村级民主评议中",
    "posting": "村内公示中",
    "township_review": "乡镇审核中",
    "county_approval": "县级审定中",
    "monitored": "已纳入监测帮扶",
    "not_admitted": "经审核未纳入监测（如有疑问请联系村委会或拨打12317）",
}


def application_progress(*, reference: str, id_number: str, ip: str | None) -> dict | None:
    """What the applicant may see: the reference, the stage and the date of the last change. Nothing else.
    None when the reference and ID number do not match (the caller says so without telling which)."""
    _rate_check("status", ip=ip)
    PublicAttempt.objects.create(kind="status", ip=ip)
    try:
        digest = idnumber.id_hash(idnumber.validate(id_number))
    except idnumber.IdNumberError:
        return None
    application = Application.objects.filter(reference=reference.strip().upper(), id_hash=digest).first()
    if application is None:
        return None
    if application.case_id:
        case = application.case
        stage = PUBLIC_STAGES.get(case.state, "已纳入监测帮扶")
        if case.state == "eliminated":
            stage = "风险已消除"
        updated = case.step_since
    elif application.status == ApplicationStatus.CLOSED:
        stage, updated = "已办结（如有疑问请联系村委会或拨打12317）", timezone.localtime(application.created_at).date()
    else:
        stage, updated = "已受理，待村里入户核实", timezone.localtime(application.created_at).date()
    return {"reference": application.reference, "stage": stage, "updated": updated}
