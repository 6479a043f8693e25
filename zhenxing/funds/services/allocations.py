"""Funds services: allocations, assignments, payments and the monthly figures they feed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.regions.models import Level, Region
from zhenxing.registry import idnumber

from ..models import (
    POOL_STATUSES,
    Allocation,
    Assignment,
    CountyMonthFigure,
    FundSource,
    Payment,
    Project,
    ProjectStatus,
    ProjectType,
)
from .base import money


def allocation_create(
    *, actor, county: Region, year: int, source: str, document_number: str, amount, issued_on: dt.date, title: str = ""
) -> Allocation:
    scope.require_write(actor, county, "funds.money.write")
    if county.level != Level.COUNTY:
        raise ValidationError({"county": ["资金须下达到县"]})
    if source not in FundSource.values:
        raise ValidationError({"source": ["资金来源不正确"]})
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["下达金额须大于0"]})
    if not document_number.strip():
        raise ValidationError({"document_number": ["须填写文号"]})
    try:
        with transaction.atomic(), acting(actor):
            return Allocation.objects.create(
                county=county,
                year=year,
                source=source,
                document_number=document_number.strip(),
                amount=amount,
                issued_on=issued_on,
                title=title,
            )
    except IntegrityError:
        raise ValidationError({"document_number": [f"文号 {document_number} 已登记"]}) from None


def assignment_create(
    *, actor, allocation: Allocation, project: Project, amount, document_number: str, date: dt.date
) -> Assignment:
    """Put part of an allocation on a project. The totals move with F() in the same transaction;
    the database's CHECK constraints refuse over-assignment even under concurrent writes."""
    scope.require_write(actor, project, "funds.money.write")
    amount = money(amount)
    errors = []
    if amount <= 0:
        errors.append("安排金额须大于0")
    if allocation.county_id != project.county_id:
        errors.append("资金只能安排到本县的项目")
    if project.status not in POOL_STATUSES:
        errors.append("只能安排到已审定入库的项目")
    if amount > allocation.amount - allocation.assigned_total:
        errors.append(f"超出该笔资金尚未安排的余额（{allocation.amount - allocation.assigned_total} 元）")
    if not document_number.strip():
        errors.append("须填写文号")
    if errors:
        raise ValidationError({"amount": errors})
    try:
        with transaction.atomic(), acting(actor):
            item = Assignment.objects.create(
                allocation=allocation,
                project=project,
                amount=amount,
                document_number=document_number.strip(),
                date=date,
            )
            Allocation.objects.filter(pk=allocation.pk).update(assigned_total=F("assigned_total") + amount)
            Project.objects.filter(pk=project.pk).update(assigned_total=F("assigned_total") + amount)
    except IntegrityError:
        raise ValidationError({"amount": ["资金余额不足或该安排已登记（数据库拒绝超额安排）"]}) from None
    allocation.refresh_from_db()
    project.refresh_from_db()
    return item


def assignment_withdraw(*, actor, assignment: Assignment) -> None:
    """Take an assignment back (e.g. the project was cancelled); refused when the money is spent."""
    project = assignment.project
    scope.require_write(actor, project, "funds.money.write")
    try:
        with transaction.atomic(), acting(actor):
            Project.objects.filter(pk=project.pk).update(assigned_total=F("assigned_total") - assignment.amount)
            Allocation.objects.filter(pk=assignment.allocation_id).update(
                assigned_total=F("assigned_total") - assignment.amount
            )
            assignment.delete()
    except IntegrityError:
        raise ValidationError({"amount": ["该项目已支付的资金超过撤回后的安排额，不能撤回"]}) from None


def _figures_add(deltas: dict[tuple[int, int, int], list]) -> None:
    """Add (paid, industry_paid, count) to the county-month aggregate, creating rows as needed."""
    for (county_id, year, month), (paid, industry, count) in deltas.items():
        qs = CountyMonthFigure.objects.filter(county_id=county_id, year=year, month=month)
        changes = {
            "paid": F("paid") + paid,
            "industry_paid": F("industry_paid") + industry,
            "payments": F("payments") + count,
        }
        if qs.update(**changes):
            continue
        try:
            with transaction.atomic():
                CountyMonthFigure.objects.create(
                    county_id=county_id, year=year, month=month, paid=paid, industry_paid=industry, payments=count
                )
        except IntegrityError:  # created meanwhile by a concurrent payment
            qs.update(**changes)


def payee_identity(id_number: str) -> tuple[str, str]:
    """(keyed hash, masked) of a payee's ID number, or ("", "") for an organisation."""
    if not (id_number or "").strip():
        return "", ""
    try:
        number = idnumber.validate(id_number)
    except idnumber.IdNumberError as exc:
        raise ValidationError({"payee_id_number": [str(exc)]}) from None
    return idnumber.id_hash(number), idnumber.mask(number)


def payment_create(
    *, actor, project: Project, date: dt.date, amount, payee_name: str, voucher_number: str, payee_id_number: str = ""
) -> Payment:
    scope.require_write(actor, project, "funds.money.write")
    amount = money(amount)
    errors = []
    if amount <= 0:
        errors.append("支付金额须大于0")
    if project.status not in POOL_STATUSES or project.status == ProjectStatus.APPROVED:
        errors.append("只能对已纳入年度计划的项目支付")
    if amount > project.assigned_total - project.paid_total:
        errors.append(f"超出项目已安排但未支付的资金（{project.assigned_total - project.paid_total} 元）")
    if not payee_name.strip():
        errors.append("须填写收款人")
    if not voucher_number.strip():
        errors.append("须填写凭证号")
    if errors:
        raise ValidationError({"amount": errors})
    id_hash, masked = payee_identity(payee_id_number)
    try:
        with transaction.atomic(), acting(actor):
            payment = Payment.objects.create(
                project=project,
                date=date,
                amount=amount,
                payee_name=payee_name.strip(),
                payee_id_hash=id_hash,
                payee_id_masked=masked,
                voucher_number=voucher_number.strip(),
            )
            Project.objects.filter(pk=project.pk).update(paid_total=F("paid_total") + amount)
            industry = amount if project.type == ProjectType.INDUSTRY else Decimal("0")
            _figures_add({(project.county_id, date.year, date.month): [amount, industry, 1]})
    except IntegrityError:
        raise ValidationError({"amount": ["支付超过已安排资金或凭证号重复（数据库拒绝）"]}) from None
    project.refresh_from_db()
    return payment


def figures_rebuild(*, county: Region | None = None) -> int:
    """Recompute the county-month aggregate from the payments, set-based (repair, benchmark)."""
    payments = Payment.objects.all()
    if county is not None:
        payments = payments.filter(project__county=county)
    rows = (
        payments.annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("project__county", "y", "m")
        .annotate(
            paid=Sum("amount"), industry=Sum("amount", filter=Q(project__type=ProjectType.INDUSTRY)), n=Count("id")
        )
        .order_by()
    )
    with transaction.atomic():
        old = CountyMonthFigure.objects.all()
        if county is not None:
            old = old.filter(county=county)
        old.delete()
        objs = [
            CountyMonthFigure(
                county_id=r["project__county"],
                year=r["y"],
                month=r["m"],
                paid=r["paid"],
                industry_paid=r["industry"] or 0,
                payments=r["n"],
            )
            for r in rows
        ]
        CountyMonthFigure.objects.bulk_create(objs, batch_size=5000)
    return len(objs)


def payments_figures_add(payments: Iterable[Payment], types: dict[int, str], counties: dict[int, int]) -> None:
    """Aggregate a batch of new payments (an import) into the county-month figures."""
    deltas: dict[tuple[int, int, int], list] = defaultdict(lambda: [Decimal("0"), Decimal("0"), 0])
    for p in payments:
        d = deltas[(counties[p.project_id], p.date.year, p.date.month)]
        d[0] += p.amount
        if types[p.project_id] == ProjectType.INDUSTRY:
            d[1] += p.amount
        d[2] += 1
    _figures_add(deltas)
