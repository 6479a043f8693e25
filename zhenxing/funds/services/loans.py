"""Funds services: beneficiaries, micro-loans and staff identities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.registry import idnumber

from ..models import Beneficiary, MicroLoan, Project, StaffIdentity
from .base import money


def beneficiary_add(*, actor, project: Project, household, way: str, year: int, amount=0) -> Beneficiary:
    scope.require_write(actor, project, "funds.project.declare")
    scope.require_write(actor, household, "funds.project.declare")
    if household.village.path.split("/")[:3] != project.village.path.split("/")[:3]:
        raise ValidationError({"household": ["受益农户须为本县农户"]})
    try:
        with transaction.atomic(), acting(actor):
            return Beneficiary.objects.create(
                project=project, household=household, way=way, year=year, amount=money(amount)
            )
    except IntegrityError:
        raise ValidationError({"household": ["该农户已以此方式登记为受益农户"]}) from None


def micro_loan_create(
    *,
    actor,
    household,
    borrower_name: str,
    bank: str,
    contract_number: str,
    amount,
    issued_on: dt.date,
    term_months: int,
    annual_rate,
    interest_subsidy=0,
    repaid=0,
) -> MicroLoan:
    scope.require_write(actor, household, "funds.loan.write")
    from zhenxing.registry.models import MonitoringStatus

    if not household.formerly_poor and household.monitoring_status != MonitoringStatus.MONITORED:
        raise ValidationError({"household": ["小额信贷仅面向脱贫户和监测对象"]})
    months = int(term_months)
    due = dt.date(
        issued_on.year + (issued_on.month - 1 + months) // 12,
        (issued_on.month - 1 + months) % 12 + 1,
        min(issued_on.day, 28),
    )
    try:
        with transaction.atomic(), acting(actor):
            return MicroLoan.objects.create(
                household=household,
                borrower_name=borrower_name,
                bank=bank,
                contract_number=contract_number,
                amount=money(amount),
                issued_on=issued_on,
                term_months=term_months,
                due_on=due,
                annual_rate=Decimal(str(annual_rate)),
                interest_subsidy=money(interest_subsidy),
                repaid=money(repaid),
            )
    except IntegrityError:
        raise ValidationError({"contract_number": ["合同编号重复或还款超过贷款金额"]}) from None


def micro_loan_repay(*, actor, loan: MicroLoan, amount, date: dt.date) -> MicroLoan:
    scope.require_write(actor, loan, "funds.loan.write")
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["还款金额须大于0"]})
    try:
        with transaction.atomic(), acting(actor):
            MicroLoan.objects.filter(pk=loan.pk).update(repaid=F("repaid") + amount)
            loan.refresh_from_db()
            if loan.repaid == loan.amount:
                loan.settled_on = date
                loan.save(update_fields=["settled_on"])
    except IntegrityError:
        raise ValidationError({"amount": ["还款金额超过未还本金"]}) from None
    return loan


def staff_identity_set(*, actor, user, name: str, id_number: str, household=None) -> StaffIdentity:
    """Admins record a staff member's ID (hash and mask only) and registry household."""
    scope.require_write(actor, user, "funds.staff_identity.set")
    try:
        number = idnumber.validate(id_number)
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": [str(exc)]}) from None
    with transaction.atomic(), acting(actor):
        identity, _ = StaffIdentity.objects.update_or_create(
            user=user,
            defaults={
                "name": name,
                "id_hash": idnumber.id_hash(number),
                "id_masked": idnumber.mask(number),
                "household": household,
            },
        )
    return identity
