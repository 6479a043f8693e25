"""Village ledger pages: social help (百企兴百村)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.regions.models import Region

from .. import forms as f
from .. import models as m
from .. import selectors, services
from ..pages import Cell, Section, fmt, pct, render_page, wants_xlsx, xlsx_response
from .base import _bind, _edit, _refuse_read_only, _run, can_write


@staff_view(model=m.Pairing)
def pairing_edit(request, pairing):
    return _edit(
        request,
        pairing,
        f.PairingForm,
        title=f"修改结对：{pairing.partner}",
        back=reverse("people:pairing", args=[pairing.pk]),
    )


@staff_view(page="people.home")
def pairings(request):
    _refuse_read_only(request)
    user, region = request.user, scope.region_param(request)
    form = _bind(request, "pairing", f.PairingForm, user=user) if can_write(user) else None
    if _run(request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已登记结对"):
        return redirect("people:pairings")
    mine = scope.within(scope.scoped(user, m.Pairing), region)
    qs = selectors.pairings_summary(mine)
    table = Section(
        "结对帮扶",
        [
            "村",
            "帮扶主体",
            "类型",
            "结对日期",
            "承诺资金",
            "已兑现资金",
            "承诺消费帮扶",
            "已兑现消费帮扶",
            "承诺岗位",
            "已兑现岗位",
            "承诺项目",
            "已兑现项目",
        ],
        [
            [
                p.village.display_name,
                Cell(p.partner, url=reverse("people:pairing", args=[p.pk])),
                p.get_partner_kind_display(),
                p.since,
                p.committed_money,
                p.delivered_money,
                p.committed_purchases,
                p.delivered_purchases,
                p.committed_jobs,
                p.delivered_jobs,
                p.committed_projects,
                p.delivered_projects,
            ]
            for p in qs
        ],
        form=form,
        form_key="pairing",
        form_title="登记结对",
    )
    totals = selectors.pairing_totals(mine, "county")
    names = {r.pk: r.display_name for r in Region.objects.filter(pk__in=[k for k in totals if k])}
    county = Section(
        "分县汇总",
        [
            "县（市、区）",
            "结对数",
            "承诺资金",
            "已兑现资金",
            "资金兑现率",
            "承诺岗位",
            "已兑现岗位",
            "承诺项目",
            "已兑现项目",
        ],
        [
            [
                names.get(k, ""),
                t.pairings,
                t.committed_money,
                t.delivered_money,
                pct(t.money_rate),
                t.committed_jobs,
                t.delivered_jobs,
                t.committed_projects,
                t.delivered_projects,
            ]
            for k, t in sorted(totals.items(), key=lambda kv: names.get(kv[0], ""))
        ],
    )
    if wants_xlsx(request):
        return xlsx_response(
            request, title="百企兴百村", sections=[table, county], filename="百企兴百村", region=region
        )
    return render_page(
        request,
        title="百企兴百村",
        sections=[county, table],
        export=True,
        region_filter=region,
        crumbs=[("就业帮扶与乡村治理", reverse("people:home"))],
    )


@staff_view(model=m.Pairing)
def pairing_detail(request, pairing):
    _refuse_read_only(request)
    user = request.user
    form = _bind(request, "delivery", f.DeliveryForm, user=user) if can_write(user) else None

    def add(d):
        x = form.save(commit=False)
        x.pairing = pairing
        services.ledger_save(actor=user, instance=x)

    if _run(request, form, add, "已登记兑现"):
        return redirect("people:pairing", pairing.pk)
    p = selectors.pairings_summary(m.Pairing.objects.filter(pk=pairing.pk))[0]
    return render_page(
        request,
        title=f"{pairing.partner} 结对 {pairing.village.display_name}",
        subtitle=pairing.village.full_name(),
        links=[("修改", reverse("people:pairing_edit", args=[pairing.pk]))] if form is not None else [],
        facts=[
            ("主体类型", p.get_partner_kind_display()),
            ("结对日期", p.since),
            ("资金", f"承诺 {fmt(p.committed_money)} 元，已兑现 {fmt(p.delivered_money)} 元"),
            ("消费帮扶", f"承诺 {fmt(p.committed_purchases)} 元，已兑现 {fmt(p.delivered_purchases)} 元"),
            ("岗位", f"承诺 {p.committed_jobs} 个，已兑现 {p.delivered_jobs} 个"),
            ("项目", f"承诺 {p.committed_projects} 个，已兑现 {p.delivered_projects} 个"),
            ("备注", p.note),
        ],
        sections=[
            Section(
                "兑现记录",
                ["日期", "类型", "金额", "数量", "内容"],
                [[d.date, d.get_kind_display(), d.amount, d.count, d.note] for d in pairing.deliveries.all()],
                form=form,
                form_key="delivery",
                form_title="登记兑现",
            )
        ],
        crumbs=[("百企兴百村", reverse("people:pairings"))],
    )
