"""村务公开: a village's quarterly financial statement, its contracts and its latest distribution,
frozen when published (the public pages show the copy, never the live books). No ID numbers,
phones or bank accounts: members appear by name with their shares and amount only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.audit.context import acting

from . import selectors
from .models import Disclosure, DisclosureKind, Distribution, DistributionState, Organisation


def _finance(org: Organisation, year: int, quarter: int) -> dict:
    start, end = selectors.quarter_range(year, quarter)
    b = selectors.books(Organisation.objects.filter(pk=org.pk), start, end)[org.pk]
    ytd = selectors.books(Organisation.objects.filter(pk=org.pk), start.replace(month=1), end)[org.pk]
    return {
        "title": f"{org.name}{year}年第{quarter}季度财务收支公开",
        "columns": ["收支", "项目", "本季度（元）"],
        "rows": [[d, label, str(amount)] for d, label, amount in b.rows()],
        "totals": {
            "本季度收入": str(b.income),
            "本季度支出": str(b.expense),
            "本年累计收入": str(ytd.income),
            "本年累计经营性收入": str(ytd.operating),
        },
    }


def _contracts(org: Organisation, year: int, quarter: int) -> dict:
    today = timezone.localdate()
    rows = []
    for c in org.contracts.order_by("code").prefetch_related("payments"):
        owing = sum((p.owing for p in c.payments.all() if p.due_on < today), 0)
        rows.append(
            [
                c.code,
                c.subject,
                c.party,
                f"{c.start:%Y-%m-%d}至{c.end:%Y-%m-%d}",
                str(c.annual_price),
                str(c.get_award_method_display()),
                str(owing),
            ]
        )
    return {
        "title": f"{org.name}集体资源资产发包（租赁）合同公开",
        "columns": ["合同编号", "标的", "承包（承租）方", "期限", "年租金（元）", "发包方式", "欠款（元）"],
        "rows": rows,
        "totals": {"合同数": str(len(rows))},
    }


def _distribution(org: Organisation) -> dict | None:
    plan = (
        Distribution.objects.filter(organisation=org, state__in=[DistributionState.POSTED, DistributionState.PAID])
        .order_by("-year")
        .first()
    )
    if plan is None:
        return None
    lines = selectors.with_names_lines(plan)
    return {
        "title": f"{org.name}{plan.year}年度收益分配方案公开",
        "columns": ["序号", "成员", "股数", "分红金额（元）"],
        "rows": [[str(i), name, str(s), str(a)] for i, (name, s, a) in enumerate(lines, 1)],
        "totals": {
            "可分配收益": str(plan.distributable_total),
            "提取公积公益金": str(plan.reserve_total),
            "集体股分红": str(plan.collective_total),
            "成员分红总额": str(plan.dividend_total),
            "每股分红": str(plan.per_share),
            "决议": plan.meeting,
        },
    }


def disclosure_publish(*, actor, organisation: Organisation, year: int, quarter: int) -> list[Disclosure]:
    """Publish the quarter's statements (a republication of the same quarter replaces the copy)."""
    scope.require_write(actor, organisation, "collective.books.keep")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": ["季度须为1至4"]})
    start, _ = selectors.quarter_range(year, quarter)
    if start > timezone.localdate():
        raise ValidationError({"quarter": ["不能公开尚未开始的季度"]})
    contents = {
        DisclosureKind.FINANCE: _finance(organisation, year, quarter),
        DisclosureKind.CONTRACTS: _contracts(organisation, year, quarter),
        DisclosureKind.DISTRIBUTION: _distribution(organisation),
    }
    out = []
    with transaction.atomic(), acting(actor):
        for kind, content in contents.items():
            if content is None:
                continue
            d, _ = Disclosure.objects.update_or_create(
                organisation=organisation,
                kind=kind,
                year=year,
                quarter=quarter,
                defaults={"content": content, "published_by": actor},
            )
            out.append(d)
    return out
