"""Writes for projects and funds. Every function takes the acting user, validates, owns its
transaction and is audited (record changes automatically, steps and imports as events)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit import services as audit
from zhenxing.audit.context import acting
from zhenxing.audit.writes import audited_update
from zhenxing.regions.models import Level, Region
from zhenxing.registry import idnumber

from . import lifecycle, workflow
from .models import (
    POOL_STATUSES,
    Allocation,
    Assignment,
    Beneficiary,
    CountyMonthFigure,
    Disclosure,
    DisclosureKind,
    FundSource,
    MicroLoan,
    Payment,
    Project,
    ProjectStatus,
    ProjectTransition,
    ProjectType,
    StaffIdentity,
    YearParameter,
)

MONEY_ROLES = {Role.COUNTY_STAFF, Role.PREFECTURE_ADMIN}
ADMIN_ROLES = {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}
LOAN_ROLES = {Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE}
EDITABLE_STATUSES = {
    ProjectStatus.DECLARED,
    ProjectStatus.TOWNSHIP_REVIEWED,
    ProjectStatus.APPRAISED,
    ProjectStatus.RETURNED,
}
PROJECT_FIELDS = (
    "name",
    "type",
    "build_type",
    "year",
    "start_planned",
    "end_planned",
    "responsible_unit",
    "tasks",
    "budget",
    "funding_sources",
    "planned_households",
    "planned_people",
    "performance_targets",
    "benefit_mechanism",
)


# Who may write what (scope.require_write checks it with the read-only account and the data scope;
# a call without an actor is a system job: the demo, an import run by an operator).
WRITE_RULES = scope.write_rules(
    {
        "funds.project.declare": lifecycle.DECLARE_ROLES,
        "funds.project.transition": scope.WriteRule(system=False, refusal="流程步骤须由工作人员办理"),
        "funds.money.write": scope.WriteRule(roles=frozenset(MONEY_ROLES), refusal="您的角色无权登记资金"),
        "funds.loan.write": scope.WriteRule(roles=frozenset(LOAN_ROLES), refusal="您的角色无权登记小额信贷"),
        "funds.disclosure.publish": scope.WriteRule(
            roles=frozenset({Role.COUNTY_STAFF}), refusal="只有县级工作人员可以发布公示"
        ),
        "funds.staff_identity.set": scope.WriteRule(
            roles=frozenset(ADMIN_ROLES), system=False, refusal="仅地区管理员可登记工作人员身份信息"
        ),
        "funds.parameter.set": scope.WriteRule(
            roles=frozenset(ADMIN_ROLES), system=False, refusal="仅地区管理员可设置年度参数"
        ),
        "funds.import.run": None,
        "funds.leakage.check": None,
        "funds.leakage.dismiss": scope.WriteRule(system=False),
    }
)

# Who may open a page (scope.page_rules): the views, the menu and the templates ask these. A
# department account has no funds records; the county figures and allocations are the county's and
# above; a village cadre opens disclosures, leakage findings and loans from its projects and
# households rather than from the menu.
_COUNTY_UP = frozenset({Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN, Role.COUNTY_STAFF, Role.INSPECTOR})
_FUNDS_READERS = frozenset(Role) - {Role.DEPARTMENT_STAFF}
_NOT_VILLAGE_MENU = _FUNDS_READERS - {Role.VILLAGE_CADRE}
PAGE_RULES = scope.page_rules(
    {
        "funds.figures": scope.PageRule(roles=_COUNTY_UP, refusal="资金总览按县汇总，由县级及以上查看"),
        "funds.allocations": scope.PageRule(roles=_COUNTY_UP, refusal="资金下达与安排由县级及以上查看"),
        "funds.projects": _FUNDS_READERS,
        "funds.leakage": scope.PageRule(roles=_FUNDS_READERS, menu=_NOT_VILLAGE_MENU),
        "funds.disclosures": scope.PageRule(roles=_FUNDS_READERS, menu=_NOT_VILLAGE_MENU),
        "funds.loans": scope.PageRule(roles=_FUNDS_READERS, menu=_NOT_VILLAGE_MENU),
        "funds.parameters": scope.PageRule(
            roles=frozenset(ADMIN_ROLES | {Role.COUNTY_STAFF}), refusal="年度参数与支出计划由地区和县级维护"
        ),
        "funds.staff_identities": scope.PageRule(
            roles=frozenset(ADMIN_ROLES), refusal="仅地区管理员可登记工作人员身份信息"
        ),
    }
)


def county_of(region: Region) -> Region:
    """The county-level node above (or at) a region."""
    if region.level == Level.COUNTY:
        return region
    codes = [c for c in region.path.split("/") if c]
    county = Region.objects.filter(code__in=codes, level=Level.COUNTY).first()
    if county is None:
        raise ValidationError({"village": ["该区划不属于任何县"]})
    return county


def money(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: ["金额格式不正确"]}) from None
    return amount


def year_parameter(year: int, county: Region | None = None) -> YearParameter:
    """The year's rules: the county's own row, else the prefecture's, else the defaults (55%, 3)."""
    qs = YearParameter.objects.filter(year=year)
    found = (qs.filter(county=county).first() if county is not None else None) or qs.filter(county__isnull=True).first()
    return found or YearParameter(year=year)


# --- projects -------------------------------------------------------------------------------


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


# --- allocations, assignments, payments -------------------------------------------------------


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


# --- beneficiaries, loans, staff identities -------------------------------------------------


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


# --- public disclosure ------------------------------------------------------------------------


def disclosure_publish(
    *,
    actor,
    county: Region,
    year: int,
    kind: str,
    period_start: dt.date,
    period_end: dt.date | None = None,
    board: str = "county",
    note: str = "",
) -> Disclosure:
    """Publish (a frozen copy of) the county's current records of one kind. Publishing again after
    the records changed is a correction of the previous version, with what changed."""
    from . import selectors

    scope.require_write(actor, county, "funds.disclosure.publish")
    if kind not in DisclosureKind.values:
        raise ValidationError({"kind": ["公示内容类型不正确"]})
    if board in {"village", "township"} and (period_end is None or (period_end - period_start).days + 1 < 10):
        raise ValidationError({"period_end": ["村、乡镇公示栏公示期不少于10天"]})
    if period_end is not None and period_end < period_start:
        raise ValidationError({"period_end": ["公示结束日期不能早于开始日期"]})
    content = selectors.disclosure_content(county=county, year=year, kind=kind)
    previous = Disclosure.objects.filter(county=county, year=year, kind=kind).order_by("-version").first()
    correction = ""
    if previous is not None:
        changes = selectors.disclosure_diff(previous.content, content)
        if not changes:
            raise ValidationError({"kind": ["内容与上次公示相同，无需重新发布"]})
        correction = "；".join(changes)
        if note:
            correction = f"{note}。{correction}"
    with transaction.atomic(), acting(actor):
        item = Disclosure.objects.create(
            county=county,
            year=year,
            kind=kind,
            board=board,
            version=(previous.version + 1) if previous else 1,
            corrects=previous,
            correction_note=correction,
            content=content,
            period_start=period_start,
            period_end=period_end,
            published_by=actor,
        )
        audit.event_log(
            action="publish", actor=actor, obj=item, extra={"kind": kind, "year": year, "version": item.version}
        )
    return item


# --- parameters -------------------------------------------------------------------------------


def year_parameter_set(
    *,
    actor,
    year: int,
    industry_min_share,
    max_projects_per_household: int,
    county: Region | None = None,
    acceptance_min_days: int | None = None,
    acceptance_min_paid_share=None,
) -> YearParameter:
    """The prefecture sets a year's rules (county=None); a county row overrides them for that county.
    The two acceptance rules (None: keep the row's value, or the default) say how many days after 竣工
    and what share of the budget paid 验收 needs at the least."""
    scope.require_write(actor, None, "funds.parameter.set")
    share = Decimal(str(industry_min_share))
    errors: dict[str, list[str]] = {}
    if not (Decimal("0") <= share <= Decimal("1")):
        errors["industry_min_share"] = ["比例须在0到1之间（如0.55）"]
    if int(max_projects_per_household) < 1:
        errors["max_projects_per_household"] = ["上限须至少为1"]
    defaults: dict = {"industry_min_share": share, "max_projects_per_household": int(max_projects_per_household)}
    if acceptance_min_days is not None:
        if not 0 <= int(acceptance_min_days) <= 365:
            errors["acceptance_min_days"] = ["竣工后至验收最少天数须在0到365之间"]
        defaults["acceptance_min_days"] = int(acceptance_min_days)
    if acceptance_min_paid_share is not None:
        paid_share = Decimal(str(acceptance_min_paid_share))
        if not (Decimal("0") <= paid_share <= Decimal("1")):
            errors["acceptance_min_paid_share"] = ["比例须在0到1之间（如0.5）"]
        defaults["acceptance_min_paid_share"] = paid_share
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        item, _ = YearParameter.objects.update_or_create(year=year, county=county, defaults=defaults)
    return item


def disbursement_plan_set(*, actor, county: Region, year: int, rates: dict[int, Decimal]) -> int:
    """A county's planned cumulative disbursement rate by month (never decreasing)."""
    scope.require_write(actor, county, "funds.money.write")
    months = sorted(rates)
    errors = [f"{m}月" for m in months if not (1 <= m <= 12 and Decimal("0") <= Decimal(str(rates[m])) <= 1)]
    if errors:
        raise ValidationError({"rates": [f"计划进度须在0到1之间：{'、'.join(errors)}"]})
    values = [Decimal(str(rates[m])) for m in months]
    if any(b < a for a, b in zip(values, values[1:], strict=False)):
        raise ValidationError({"rates": ["累计计划进度不能逐月减少"]})
    from .models import DisbursementPlan

    with transaction.atomic(), acting(actor):
        DisbursementPlan.objects.filter(county=county, year=year).exclude(month__in=months).delete()
        for m in months:
            DisbursementPlan.objects.update_or_create(
                county=county, year=year, month=m, defaults={"target_rate": Decimal(str(rates[m]))}
            )
    return len(months)
