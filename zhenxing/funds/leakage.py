"""防止跑冒滴漏: the leakage checks, run on demand and after every payment import.

Each check is one set-based query over payments, beneficiaries and projects; its hits become
``LeakageFinding`` rows keyed so that a re-run updates instead of duplicating. Findings that no
longer appear are kept (marked not present) so inspectors see what was fixed.

Checks:
- 受益对象不在农户库: a payment to a person (payee with an ID number) whose ID is not in the registry.
- 受益对象已死亡: a payment to a registry member who had died on or before the payment date, or a
  beneficiary household that has no living member.
- 同一户受益项目过多: a household reached by more distinct projects in a year (beneficiary
  records and payments to its members) than the year's parameter allows.
- 收款人为工作人员或其家庭成员: the payee's name and ID number both match a staff member
  (``StaffIdentity``) or a member of a staff member's registry household.
- 支付超过项目概算: a project whose payments exceed its budget.
- 开工前支付: a payment dated before the project's start (or to a project not yet started).
- 项目属于负面清单: a project whose name or tasks match the negative list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.audit import services as audit
from zhenxing.audit.context import acting, bulk_logged
from zhenxing.audit.writes import audited_bulk_create, audited_update
from zhenxing.ledger import services as ledger
from zhenxing.registry.models import Member, MemberStatus

from .models import Beneficiary, FindingKind, FindingStatus, LeakageFinding, Payment, Project, StaffIdentity


@dataclass
class LeakageResult:
    found: dict[str, int] = field(default_factory=dict)
    new: int = 0
    resolved: int = 0

    @property
    def total(self) -> int:
        return sum(self.found.values())


def _projects(actor) -> Any:
    return scope.scoped(actor, Project) if actor is not None else Project.objects.all()


def findings_compute(projects) -> dict[str, dict]:
    """Every current hit, keyed: {key: {kind, project_id, payment_id, household_id, detail, amount}}."""
    from .services import year_parameter

    hits: dict[str, dict] = {}

    def add(key, kind, project_id, detail, amount=Decimal("0"), payment_id=None, household_id=None):
        hits[key] = {
            "kind": kind,
            "project_id": project_id,
            "payment_id": payment_id,
            "household_id": household_id,
            "detail": detail[:300],
            "amount": amount,
        }

    payments = Payment.objects.filter(project__in=projects)
    personal = payments.exclude(payee_id_hash="")
    members = {
        m["id_hash"]: m
        for m in Member.objects.filter(id_hash__in=personal.values("payee_id_hash")).values(
            "id_hash", "household_id", "name", "status", "death_date"
        )
    }

    # Payees and beneficiaries not in the registry, or dead.
    for p in personal.values(
        "pk", "project_id", "payee_name", "payee_id_hash", "payee_id_masked", "date", "amount", "voucher_number"
    ).iterator():
        m = members.get(p["payee_id_hash"])
        if m is None:
            add(
                f"nr:{p['pk']}",
                FindingKind.NOT_IN_REGISTRY,
                p["project_id"],
                f"凭证 {p['voucher_number']}：收款人 {p['payee_id_masked']} 不在农户库",
                p["amount"],
                p["pk"],
            )
        elif m["status"] == MemberStatus.DEAD and (m["death_date"] is None or m["death_date"] <= p["date"]):
            add(
                f"dead:{p['pk']}",
                FindingKind.DEAD,
                p["project_id"],
                f"凭证 {p['voucher_number']}：收款人 {p['payee_id_masked']} 已于支付前死亡",
                p["amount"],
                p["pk"],
                m["household_id"],
            )
    for b in Beneficiary.objects.filter(project__in=projects, household__living_members=0).values(
        "pk", "project_id", "household_id", "household__number"
    ):
        add(
            f"deadb:{b['pk']}",
            FindingKind.DEAD,
            b["project_id"],
            f"受益农户 {b['household__number']} 已无在户成员（死亡或迁出）",
            household_id=b["household_id"],
        )

    # The same household reached by too many projects in a year.
    reach: dict[tuple[int, int], set[int]] = defaultdict(set)
    for b in Beneficiary.objects.filter(project__in=projects).values("household_id", "year", "project_id"):
        reach[(b["household_id"], b["year"])].add(b["project_id"])
    for p in personal.values("payee_id_hash", "date", "project_id").distinct():
        m = members.get(p["payee_id_hash"])
        if m is not None:
            reach[(m["household_id"], p["date"].year)].add(p["project_id"])
    limits: dict[int, int] = {}
    for (household_id, year), project_ids in reach.items():
        limit = limits.setdefault(year, year_parameter(year).max_projects_per_household)
        if len(project_ids) > limit:
            add(
                f"many:{household_id}:{year}",
                FindingKind.TOO_MANY_PROJECTS,
                max(project_ids),
                f"{year}年同一户受益于 {len(project_ids)} 个项目（上限 {limit} 个）",
                household_id=household_id,
            )

    # Payees who are staff or members of a staff member's household (name and ID both match).
    staff = {s.id_hash: s for s in StaffIdentity.objects.select_related("user")}
    staff_households = {s.household_id: s for s in staff.values() if s.household_id}
    for p in personal.values(
        "pk", "project_id", "payee_name", "payee_id_hash", "payee_id_masked", "amount", "voucher_number"
    ).iterator():
        s = staff.get(p["payee_id_hash"])
        if s is not None and s.name == p["payee_name"]:
            add(
                f"staff:{p['pk']}",
                FindingKind.STAFF_PAYEE,
                p["project_id"],
                f"凭证 {p['voucher_number']}：收款人与工作人员 {s.user.username} 的姓名、身份证号一致",
                p["amount"],
                p["pk"],
                s.household_id,
            )
            continue
        m = members.get(p["payee_id_hash"])
        if m is not None and m["household_id"] in staff_households and m["name"] == p["payee_name"]:
            s = staff_households[m["household_id"]]
            add(
                f"staff:{p['pk']}",
                FindingKind.STAFF_PAYEE,
                p["project_id"],
                f"凭证 {p['voucher_number']}：收款人为工作人员 {s.user.username} 的家庭成员",
                p["amount"],
                p["pk"],
                m["household_id"],
            )

    # Payments above the budget, or before the start.
    for pr in projects.filter(paid_total__gt=F("budget")).values("pk", "code", "paid_total", "budget"):
        add(
            f"budget:{pr['pk']}",
            FindingKind.OVER_BUDGET,
            pr["pk"],
            f"项目 {pr['code']} 已支付 {pr['paid_total']} 元，超过概算 {pr['budget']} 元",
            pr["paid_total"] - pr["budget"],
        )
    early = payments.filter(Q(project__started_on__isnull=True) | Q(date__lt=F("project__started_on")))
    for p in early.values("pk", "project_id", "voucher_number", "date", "amount", "project__started_on"):
        when = f"开工日期 {p['project__started_on']}" if p["project__started_on"] else "项目尚未开工"
        add(
            f"early:{p['pk']}",
            FindingKind.BEFORE_START,
            p["project_id"],
            f"凭证 {p['voucher_number']} 于 {p['date']} 支付，{when}",
            p["amount"],
            p["pk"],
        )

    # Projects on the negative list.
    for pr in projects.exclude(negative_flags=[]).values("pk", "code", "negative_flags"):
        add(
            f"neg:{pr['pk']}",
            FindingKind.NEGATIVE_LIST,
            pr["pk"],
            f"项目 {pr['code']} 涉及负面清单：{'、'.join(pr['negative_flags'])}",
        )
    return hits


def leakage_run(*, actor, trigger: str = "on_demand") -> LeakageResult:
    """Run every check over the actor's scope (everything for a system run) and store the findings."""
    scope.require_write(actor, None, "funds.leakage.check")
    projects = _projects(actor)
    hits = findings_compute(projects)
    result = LeakageResult()
    for h in hits.values():
        result.found[h["kind"]] = result.found.get(h["kind"], 0) + 1
    now = timezone.now()
    with transaction.atomic(), acting(actor), bulk_logged():
        existing = dict(LeakageFinding.objects.filter(project__in=projects).values_list("key", "pk"))
        new = [
            LeakageFinding(
                key=k,
                kind=h["kind"],
                project_id=h["project_id"],
                payment_id=h["payment_id"],
                household_id=h["household_id"],
                detail=h["detail"],
                amount=h["amount"],
            )
            for k, h in hits.items()
            if k not in existing
        ]
        audited_bulk_create(LeakageFinding, new, batch_size=2000)
        present = LeakageFinding.objects.filter(key__in=[k for k in hits if k in existing])
        audited_update(present.filter(still_present=False), still_present=True)
        present.update(last_checked_at=now)  # when it was last seen: the leakage_check event covers it
        gone = [pk for k, pk in existing.items() if k not in hits]
        result.resolved = audited_update(
            LeakageFinding.objects.filter(pk__in=gone, still_present=True), still_present=False, last_checked_at=now
        )
        result.new = len(new)
        audit.event_log(
            action="leakage_check",
            actor=actor,
            extra={"trigger": trigger, "found": result.found, "new": result.new, "resolved": result.resolved},
        )
    return result


def finding_dismiss(*, actor, finding: LeakageFinding, reason: str) -> LeakageFinding:
    _check(actor, finding)
    if not reason.strip():
        raise ValidationError({"reason": ["须说明核实情况"]})
    with transaction.atomic(), acting(actor):
        finding.status = FindingStatus.DISMISSED
        finding.save(update_fields=["status"])
        audit.event_log(action="leakage_dismiss", actor=actor, obj=finding, extra={"reason": reason})
    return finding


def _check(actor, finding: LeakageFinding) -> None:
    scope.require_write(actor, finding, "funds.leakage.dismiss")


def finding_open_rectification(*, actor, finding: LeakageFinding):
    """Open a rectification item in the ledger module for a finding (once)."""
    _check(actor, finding)
    if finding.rectification_ref:
        raise ValidationError({"finding": ["该疑点已转整改"]})
    with transaction.atomic(), acting(actor):
        item = ledger.rectification_item_open_from_source(**_rectification_kwargs(actor=actor, finding=finding))
        finding.rectification_ref = str(getattr(item, "pk", item) or "")
        finding.status = FindingStatus.RECTIFYING
        finding.save(update_fields=["rectification_ref", "status"])
    return item


def _rectification_kwargs(*, actor, finding: LeakageFinding) -> dict:
    """Arguments for ``ledger.services.rectification_item_open_from_source``: an inspection-type item
    from the funds source, in the project's village, keyed by the finding so it is opened once."""
    project = finding.project
    household = finding.household if finding.household and finding.household.village_id == project.village_id else None
    return {
        "actor": actor,
        "kind": "inspection",
        "region": project.village,
        "household": household,
        "source": "funds",
        "source_label": f"资金疑点：{finding.get_kind_display()}",
        "source_ref": f"funds.leakagefinding:{finding.pk}",
        "problem": f"项目 {project.code} {project.name}：{finding.detail}",
        "found_on": timezone.localdate(),
    }
