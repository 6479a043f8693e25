"""Village ledger pages: the county view (home of the module) and the county settings."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import redirect
from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.regions.models import Level

from .. import forms as f
from .. import models as m
from .. import selectors, services
from ..pages import Cell, Section, cell, fmt, pct, render_page, wants_xlsx, xlsx_response
from .base import _bind, _chosen, _refuse_read_only, _run, _today


@staff_view(page="people.home")
def summary(request):
    today, region = _today(), scope.region_param(request)
    rows = selectors.village_summary(request.user, today, region=region)
    table = Section(
        "各村情况",
        [
            "村",
            "脱贫人口在岗公益岗位（人）",
            "上年同期（人）",
            "帮扶车间（个）",
            "车间脱贫劳动力占比",
            "低于县定占比车间",
            "结对承诺资金",
            "已兑现资金",
            "驻村干部（人）",
            "在村天数不足（人）",
            "本年入账积分",
            "待办积分",
            "办理中清单事项",
        ],
        [
            [
                Cell(r.village.display_name, url=f"{reverse('people:points')}?village={r.village.code}"),
                cell(r.posts.now, badge="同比下降" if r.posts.falling else "", badge_class="warn"),
                cell(r.posts.last_year),
                cell(r.workshops),
                pct(r.worker_share),
                cell(r.workshops_below, badge="预警" if r.workshops_below else "", badge_class="warn"),
                cell(r.pairing.committed_money),
                cell(r.pairing.delivered_money),
                cell(r.cadres),
                cell(r.cadres_below, badge="预警" if r.cadres_below else "", badge_class="warn"),
                cell(r.points.get("credited", 0)),
                cell(r.points.get("waiting", 0)),
                cell(r.open_cases),
            ]
            for r in rows
        ],
        note=f"统计日期 {fmt(today)}；公益岗位人数与上年同日比较，下降时预警；车间占比和驻村天数按所在县当年要求判断。",
    )
    if wants_xlsx(request):
        return xlsx_response(
            request, title="就业帮扶与乡村治理各村情况", sections=[table], filename="各村情况", region=region
        )
    links = [
        ("公益岗位", reverse("people:posts")),
        ("帮扶车间", reverse("people:workshops")),
        ("劳务输出", reverse("people:labour")),
        ("百企兴百村", reverse("people:pairings")),
        ("驻村工作队", reverse("people:teams")),
        ("驻村天数", reverse("people:cadre_days")),
        ("积分制", reverse("people:points")),
        ("小微权力清单", reverse("people:powers")),
    ]
    if scope.may(request.user, "people.settings"):
        links.append(("县级要求设置", reverse("people:settings")))
    return render_page(
        request,
        title="就业帮扶与乡村治理",
        subtitle=request.user.region.full_name(),
        links=links,
        sections=[table],
        export=True,
        region_filter=region,
    )


@staff_view(page="people.settings")
def settings_page(request):
    _refuse_read_only(request)
    user = request.user
    counties = list(scope.regions(user).filter(level=Level.COUNTY).order_by("code"))
    filters = []
    code = request.GET.get("county") or request.POST.get("county_code")
    county = _chosen(counties, code) if code else (counties[0] if counties else None)
    if len(counties) > 1:
        filters = [
            ("county", "县（市、区）", [(c.code, c.display_name) for c in counties], county.code if county else "")
        ]
    form = _bind(request, "setting", f.SettingForm, initial={"year": _today().year}) if county else None

    def save(d):
        services.setting_save(actor=user, county=county, **d)

    if _run(request, form, save, "已保存县级要求"):
        return redirect(f"{reverse('people:settings')}?county={county.code}")
    rows = scope.scoped(user, m.CountySetting).filter(county=county).order_by("-year") if county else []
    return render_page(
        request,
        title="县级要求设置",
        subtitle=county.display_name if county else "",
        filters=filters,
        sections=[
            Section(
                "历年要求",
                ["年度", "帮扶车间脱贫劳动力占比要求", "驻村天数要求", "积分公示天数"],
                [[str(s.year), pct(s.workshop_poor_share), s.cadre_days_required, s.points_posting_days] for s in rows],
                form=form,
                form_key="setting",
                form_title="设置（同一年度再次保存即修改）",
                note=f"未设置的年度按默认值：占比 {pct(Decimal('0.3')).text}、驻村 220 天、积分公示 3 天。",
            )
        ],
        crumbs=[("就业帮扶与乡村治理", reverse("people:home"))],
    )
