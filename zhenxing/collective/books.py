"""Writes of the 三资 ledger: resources, contracts and their payments, the journal, debts and
claims, and the "清化收" campaign (contract review, debts resolved, arrears collected). Each takes
the acting user, checks ``collective.books.keep`` and owns its transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.funds.services import money
from zhenxing.ledger import services as ledger
from zhenxing.ledger.models import SourceKind

from .models import (
    Category,
    Contract,
    ContractPayment,
    ContractProblem,
    Debt,
    DebtKind,
    JournalEntry,
    Organisation,
    ProblemKind,
    Resource,
    ResourceKind,
)

# --- 三资: resources, contracts, journal ----------------------------------------------------


def resource_add(
    *, actor, organisation: Organisation, kind: str, name: str, area, unit: str = "亩", location: str = "", value=0
) -> Resource:
    scope.require_write(actor, organisation, "collective.books.keep")
    if kind not in ResourceKind.values:
        raise ValidationError({"kind": ["资源类别不正确"]})
    with transaction.atomic(), acting(actor):
        return Resource.objects.create(
            organisation=organisation,
            kind=kind,
            name=name,
            area=Decimal(str(area)),
            unit=unit,
            location=location,
            value=money(value, "value"),
        )


def _yearly_due(start: dt.date, end: dt.date) -> list[dt.date]:
    out, year = [], start.year
    while True:
        try:
            due = start.replace(year=year)
        except ValueError:  # 29 February
            due = dt.date(year, 2, 28)
        if due > end:
            return out
        out.append(due)
        year += 1


def contract_add(
    *,
    actor,
    organisation: Organisation,
    code: str,
    party: str,
    subject: str,
    start: dt.date,
    end: dt.date,
    annual_price,
    award_method: str,
    meeting_record: str = "",
    resource: Resource | None = None,
    asset=None,
    written: bool = True,
) -> Contract:
    """Register a contract and its payment schedule (one payment a year, due on the start's day)."""
    scope.require_write(actor, organisation, "collective.books.keep")
    price = money(annual_price, "annual_price")
    errors: dict[str, list[str]] = {}
    if end < start:
        errors["end"] = ["终止日期不能早于起始日期"]
    if price < 0:
        errors["annual_price"] = ["金额不能为负"]
    if award_method == "democratic" and not (meeting_record or "").strip():
        errors["meeting_record"] = ["民主决策发包须填写会议记录（会议名称、日期）"]
    if Contract.objects.filter(code=code).exists():
        errors["code"] = [f"合同编号 {code} 已存在"]
    if resource is not None and resource.organisation_id != organisation.pk:
        errors["resource"] = ["标的资源不属于本组织"]
    if asset is not None and (asset.village_id != organisation.village_id or asset.owner_kind != "village_collective"):
        errors["asset"] = ["标的项目资产须为本村集体所有"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        contract = Contract.objects.create(
            organisation=organisation,
            code=code,
            party=party,
            subject=subject,
            start=start,
            end=end,
            annual_price=price,
            award_method=award_method,
            meeting_record=(meeting_record or "").strip(),
            resource=resource,
            asset=asset,
            written=written,
            recorded_by=actor,
        )
        if price > 0:
            ContractPayment.objects.bulk_create(
                ContractPayment(contract=contract, due_on=due, amount=price) for due in _yearly_due(start, end)
            )
    return contract


def payment_receive(*, actor, payment: ContractPayment, amount, date: dt.date, voucher: str = "") -> ContractPayment:
    """Money received against a due payment; it enters the journal as 发包及上交收入."""
    scope.require_write(actor, payment, "collective.books.keep")
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["收款金额须大于0"]})
    if amount > payment.owing:
        raise ValidationError({"amount": [f"超出尚欠金额（{payment.owing} 元）"]})
    if date > timezone.localdate():
        raise ValidationError({"date": ["收款日期不能晚于今天"]})
    with transaction.atomic(), acting(actor):
        locked = ContractPayment.objects.select_for_update().get(pk=payment.pk)
        if amount > locked.owing:
            raise ValidationError({"amount": [f"超出尚欠金额（{locked.owing} 元）"]})
        locked.paid_amount += amount
        locked.paid_on = date
        locked.save(update_fields=["paid_amount", "paid_on"])
        contract = locked.contract
        JournalEntry.objects.create(
            organisation=contract.organisation,
            date=date,
            voucher=voucher,
            category=Category.CONTRACTING,
            amount=amount,
            summary=f"收{contract.party}{contract.subject}承包（租赁）费",
            payment=locked,
            recorded_by=actor,
        )
    return locked


def contract_problem_record(
    *, actor, contract: Contract, kind: str, detail: str = "", found_on: dt.date | None = None
) -> ContractProblem:
    """清化收 清理合同: a problem found on reviewing the contract (无合同、低价、超期、欠款) becomes a
    rectification item of the ledger (type ``collective``) in the same transaction; closing that
    item records the rectification here (``collective.rectification.item_closed``)."""
    scope.require_write(actor, contract, "collective.books.keep")
    if kind not in ProblemKind.values:
        raise ValidationError({"kind": ["请选择问题类别（无合同、低价、超期、欠款）"]})
    found_on = found_on or timezone.localdate()
    if contract.problems.filter(kind=kind, rectified_on__isnull=True).exists():
        raise ValidationError({"kind": [f"该合同已有未整改的“{ProblemKind(kind).label}”问题"]})
    detail = (detail or "").strip()[:200]
    with transaction.atomic(), acting(actor):
        problem = ContractProblem.objects.create(
            contract=contract, kind=kind, detail=detail, found_on=found_on, recorded_by=actor
        )
        label = ProblemKind(kind).label
        item = ledger.rectification_item_open_from_source(
            actor=actor,
            kind="collective",
            region=contract.organisation.village,
            source=SourceKind.SELF_CHECK,
            source_label=f"清化收 清理合同 {contract.code}：{label}",
            source_ref=f"{PROBLEM_REF}{problem.pk}",
            problem=f"合同 {contract.code}（{contract.party}，{contract.subject}）{label}"
            + (f"：{detail}" if detail else ""),
            found_on=found_on,
        )
        problem.item_ref = str(item.pk)
        problem.save(update_fields=["item_ref"])
    return problem


PROBLEM_REF = "collective.problem:"


def journal_add(
    *,
    actor,
    organisation: Organisation,
    date: dt.date,
    category: str,
    amount,
    summary: str,
    voucher: str = "",
    account: str = "银行存款",
) -> JournalEntry:
    scope.require_write(actor, organisation, "collective.books.keep")
    entry = journal_entry_checked(organisation, date, category, amount, summary, voucher, account, actor)
    with transaction.atomic(), acting(actor):
        entry.save()
    return entry


def journal_entry_checked(organisation, date, category, amount, summary, voucher, account, actor) -> JournalEntry:
    """An unsaved, validated journal line (the form and the import share it)."""
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = ["收支类别不正确"]
    try:
        amount = money(amount)
    except ValidationError:
        errors["amount"] = ["金额格式不正确"]
    else:
        if amount <= 0:
            errors["amount"] = ["金额须大于0"]
    if date is None or date > timezone.localdate():
        errors["date"] = ["日期须填写且不能晚于今天"]
    if not (summary or "").strip():
        errors["summary"] = ["须填写摘要"]
    if errors:
        raise ValidationError(errors)
    return JournalEntry(
        organisation=organisation,
        date=date,
        category=category,
        amount=amount,
        summary=summary.strip(),
        voucher=voucher or "",
        account=account or "银行存款",
        recorded_by=actor,
    )


# --- 债权债务: 化解债务, 收缴欠款 ---------------------------------------------------------------


def debt_record(
    *, actor, organisation: Organisation, kind: str, counterparty: str, amount, incurred_on: dt.date, cause: str
) -> Debt:
    scope.require_write(actor, organisation, "collective.books.keep")
    amount = money(amount)
    errors: dict[str, list[str]] = {}
    if kind not in DebtKind.values:
        errors["kind"] = ["类别须为债务或债权"]
    if amount <= 0:
        errors["amount"] = ["金额须大于0"]
    if not (counterparty or "").strip():
        errors["counterparty"] = ["须填写对方单位或个人"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        return Debt.objects.create(
            organisation=organisation,
            kind=kind,
            counterparty=counterparty.strip(),
            amount=amount,
            incurred_on=incurred_on,
            cause=cause,
            recorded_by=actor,
        )


def debt_settle(*, actor, debt: Debt, amount, date: dt.date, voucher: str = "") -> Debt:
    """Part or all of a debt repaid (偿还债务) or of a claim collected (收回欠款); the journal gets the line."""
    scope.require_write(actor, debt, "collective.books.keep")
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["金额须大于0"]})
    if date > timezone.localdate():
        raise ValidationError({"date": ["日期不能晚于今天"]})
    with transaction.atomic(), acting(actor):
        locked = Debt.objects.select_for_update().get(pk=debt.pk)
        if amount > locked.outstanding:
            raise ValidationError({"amount": [f"超出未化解（未收回）金额（{locked.outstanding} 元）"]})
        locked.settled += amount
        locked.save(update_fields=["settled"])
        is_claim = locked.kind == DebtKind.CLAIM
        JournalEntry.objects.create(
            organisation=locked.organisation,
            date=date,
            voucher=voucher,
            category=Category.CLAIM_COLLECTED if is_claim else Category.DEBT_REPAID,
            amount=amount,
            summary=f"{'收回' if is_claim else '偿还'}{locked.counterparty}{locked.cause}",
            debt=locked,
            recorded_by=actor,
        )
    return locked
