"""Village ledger pages: employment help (公益岗位, 帮扶车间, 劳务输出)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.registry.models import Household

from .. import forms as f
from .. import models as m
from .. import selectors, services
from ..pages import Cell, Section, fmt, pct, render_page, wants_xlsx, xlsx_response
from .base import _active, _bind, _edit, _end, _refuse_read_only, _run, _today, can_write


@staff_view(page="people.home")
def posts(request):
    _refuse_read_only(request)
    user, today, region = request.user, _today(), scope.region_param(request)
    form = _bind(request, "post", f.PostForm, user=user) if can_write(user) else None
    if _run(
        request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已登记公益岗位"
    ):
        return redirect("people:posts")
    qs = (
        scope.within(scope.scoped(user, m.PublicPost), region)
        .select_related("village")
        .order_by("village__path", "name")
        .annotate(
            holders=Count("holdings", filter=selectors.active_on(today, "holdings__"), distinct=True),
            poor=Count(
                "holdings",
                filter=selectors.active_on(today, "holdings__") & Q(holdings__member__household__formerly_poor=True),
                distinct=True,
            ),
        )
    )
    table = Section(
        "公益岗位",
        ["村", "岗位", "类别", "月补贴标准", "资金来源", "在岗人数", "其中脱贫人口"],
        [
            [
                p.village.display_name,
                Cell(p.name, url=reverse("people:post", args=[p.pk])),
                p.get_kind_display(),
                p.monthly_pay,
                p.get_funding_display(),
                p.holders,
                p.poor,
            ]
            for p in qs
        ],
        form=form,
        form_key="post",
        form_title="登记公益岗位",
    )
    stab = selectors.post_holders(scope.within(scope.scoped(user, m.PostHolding), region), today)
    vnames = {v.pk: v.display_name for v in selectors.villages(user).filter(pk__in=stab)}
    trend = Section(
        "脱贫人口在岗人数同比",
        ["村", "当前（人）", "上年同日（人）", "预警"],
        [
            [
                vnames.get(vid, ""),
                s.now,
                s.last_year,
                Cell("同比下降", badge_class="warn", badge="预警") if s.falling else "—",
            ]
            for vid, s in sorted(stab.items(), key=lambda kv: vnames.get(kv[0], ""))
        ],
    )
    if wants_xlsx(request):
        return xlsx_response(request, title="乡村公益岗位", sections=[table, trend], filename="公益岗位", region=region)
    return render_page(
        request,
        title="乡村公益岗位",
        sections=[trend, table],
        export=True,
        region_filter=region,
        crumbs=[("就业帮扶与乡村治理", reverse("people:home"))],
    )


@staff_view(model=m.PublicPost)
def post_detail(request, post):
    _refuse_read_only(request)
    user, today = request.user, _today()
    holdings = post.holdings.select_related("member__household").order_by("-start")
    write = can_write(user)
    hform = _bind(request, "holding", f.HoldingForm, user=user, village=post.village) if write else None
    pform = _bind(request, "pay", f.PayForm, user=user, holdings=holdings) if write else None
    url = reverse("people:post", args=[post.pk])

    def add_holding(d):
        h = hform.save(commit=False)
        h.post = post
        services.ledger_save(actor=user, instance=h)

    def add_pay(d):
        services.ledger_save(actor=user, instance=pform.save(commit=False))

    if _run(request, hform, add_holding, "已登记上岗") or _run(request, pform, add_pay, "已登记考勤发放"):
        return redirect(url)
    people_rows = [
        [
            h.member.name,
            h.member.household.number,
            Cell("脱贫户", badge="脱贫户") if h.member.household.formerly_poor else "—",
            h.start,
            h.end,
            _active(h.start, h.end, today),
            [Cell("离岗", post=reverse("people:holding_end", args=[h.pk]), input="end", input_type="date")]
            if write and h.end is None
            else "—",
        ]
        for h in holdings
    ]
    pays = m.PostPay.objects.filter(holding__post=post).select_related("holding__member").order_by("-month")[:120]
    return render_page(
        request,
        title=post.name,
        subtitle=post.village.full_name(),
        links=[("修改", reverse("people:post_edit", args=[post.pk]))] if write else [],
        facts=[
            ("岗位类别", post.get_kind_display()),
            ("月补贴标准", post.monthly_pay),
            ("资金来源", post.get_funding_display()),
        ],
        sections=[
            Section(
                "上岗人员",
                ["姓名", "户编号", "脱贫户", "上岗日期", "离岗日期", "状态", "操作"],
                people_rows,
                form=hform,
                form_key="holding",
                form_title="登记上岗",
            ),
            Section(
                "考勤与补贴发放",
                ["姓名", "月份", "出勤天数", "实发金额"],
                [[p.holding.member.name, f"{p.month:%Y年%m月}", p.days_worked, p.pay] for p in pays],
                form=pform,
                form_key="pay",
                form_title="登记当月考勤发放",
            ),
        ],
        crumbs=[("公益岗位", reverse("people:posts"))],
    )


@staff_view(model=m.PostHolding)
def holding_end(request, holding):
    return _end(request, holding, reverse("people:post", args=[holding.post_id]))


@staff_view(model=m.WorkshopWorker)
def worker_end(request, worker):
    return _end(request, worker, reverse("people:workshop", args=[worker.workshop_id]))


@staff_view(model=m.PublicPost)
def post_edit(request, post):
    return _edit(
        request, post, f.PostForm, title=f"修改公益岗位：{post.name}", back=reverse("people:post", args=[post.pk])
    )


@staff_view(model=m.Workshop)
def workshop_edit(request, workshop):
    return _edit(
        request,
        workshop,
        f.WorkshopForm,
        title=f"修改帮扶车间：{workshop.name}",
        back=reverse("people:workshop", args=[workshop.pk]),
    )


@staff_view(page="people.home")
def workshops(request):
    _refuse_read_only(request)
    user, today, region = request.user, _today(), scope.region_param(request)
    form = _bind(request, "workshop", f.WorkshopForm, user=user) if can_write(user) else None
    if _run(
        request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已登记帮扶车间"
    ):
        return redirect("people:workshops")
    only_below = request.GET.get("below") == "1"
    shares = selectors.workshop_shares(scope.within(scope.scoped(user, m.Workshop), region), today)
    table = Section(
        "帮扶车间",
        [
            "村",
            "车间",
            "经营主体",
            "主要产品",
            "扶持政策",
            "在岗务工（人）",
            "其中脱贫劳动力",
            "脱贫劳动力占比",
            "县定要求",
            "判断",
        ],
        [
            [
                s.workshop.village.display_name,
                Cell(s.workshop.name, url=reverse("people:workshop", args=[s.workshop.pk])),
                s.workshop.owner,
                s.workshop.products,
                s.workshop.policy_support,
                s.workers,
                s.poor,
                pct(s.share),
                pct(s.required),
                Cell("低于要求", badge="预警", badge_class="warn") if s.below else "达标" if s.workers else "—",
            ]
            for s in shares
            if s.below or not only_below
        ],
        form=form,
        form_key="workshop",
        form_title="登记帮扶车间",
        note=f"统计日期 {fmt(today)}；占比低于所在县当年要求的车间标注预警（等于要求视为达标）。",
    )
    if wants_xlsx(request):
        return xlsx_response(request, title="帮扶车间", sections=[table], filename="帮扶车间", region=region)
    return render_page(
        request,
        title="帮扶车间",
        sections=[table],
        export=True,
        region_filter=region,
        filters=[("below", "范围", [("", "全部"), ("1", "仅低于县定占比")], "1" if only_below else "")],
        crumbs=[("就业帮扶与乡村治理", reverse("people:home"))],
    )


@staff_view(model=m.Workshop)
def workshop_detail(request, workshop):
    _refuse_read_only(request)
    user, today = request.user, _today()
    form = _bind(request, "worker", f.WorkerForm, user=user, village=workshop.village) if can_write(user) else None

    def add(d):
        w = form.save(commit=False)
        w.workshop = workshop
        services.ledger_save(actor=user, instance=w)

    if _run(request, form, add, "已登记务工人员"):
        return redirect("people:workshop", workshop.pk)
    share = selectors.workshop_shares(m.Workshop.objects.filter(pk=workshop.pk), today)[0]
    workers = workshop.workers.select_related("member__household").order_by("-start")
    return render_page(
        request,
        title=workshop.name,
        subtitle=workshop.village.full_name(),
        facts=[
            ("经营主体", workshop.owner),
            ("主要产品", workshop.products),
            ("扶持政策", workshop.policy_support),
            ("扶持资金", workshop.support_amount),
            ("在岗务工", f"{share.workers}人，其中脱贫劳动力{share.poor}人"),
            ("脱贫劳动力占比", pct(share.share).text + ("（低于县定要求）" if share.below else "")),
            ("县定要求", pct(share.required).text),
        ],
        links=[("修改", reverse("people:workshop_edit", args=[workshop.pk]))] if form is not None else [],
        sections=[
            Section(
                "务工人员",
                ["姓名", "户编号", "脱贫户", "入职日期", "离职日期", "月工资", "状态", "操作"],
                [
                    [
                        w.member.name,
                        w.member.household.number,
                        w.member.household.formerly_poor,
                        w.start,
                        w.end,
                        w.monthly_wage,
                        _active(w.start, w.end, today),
                        [Cell("离职", post=reverse("people:worker_end", args=[w.pk]), input="end", input_type="date")]
                        if form is not None and w.end is None
                        else "—",
                    ]
                    for w in workers
                ],
                form=form,
                form_key="worker",
                form_title="登记务工人员",
            )
        ],
        crumbs=[("帮扶车间", reverse("people:workshops"))],
    )


@staff_view(page="people.home")
def labour(request):
    _refuse_read_only(request)
    user = request.user
    form = _bind(request, "export", f.LabourExportForm, user=user) if can_write(user) else None

    saved = []

    def add(d):
        saved.append(services.ledger_save(actor=user, instance=form.save(commit=False)))

    if _run(request, form, add, "已登记劳务输出。请核对该户工资性收入，确认后更新农户档案。"):
        return _to_wage(saved[0])
    qs = (
        scope.scoped(user, m.LabourExport)
        .select_related("member__household__village")
        .order_by("member__household__village__path", "-since")[:2000]
    )
    table = Section(
        "劳务输出人员",
        ["村", "姓名", "户编号", "务工地点", "从事行业", "外出日期", "返乡日期", "月收入", "操作"],
        [
            [
                e.member.household.village.display_name,
                e.member.name,
                e.member.household.number,
                e.destination,
                e.sector,
                e.since,
                e.until,
                e.monthly_income,
                [
                    Cell("修改", url=reverse("people:labour_edit", args=[e.pk])),
                    Cell("工资性收入", url=reverse("people:wage", args=[e.member.household_id])),
                ],
            ]
            for e in qs
        ],
        form=form,
        form_key="export",
        form_title="登记外出务工",
    )
    if wants_xlsx(request):
        return xlsx_response(request, title="劳务输出", sections=[table], filename="劳务输出")
    return render_page(
        request,
        title="劳务输出",
        sections=[table],
        export=True,
        crumbs=[("就业帮扶与乡村治理", reverse("people:home"))],
    )


@staff_view(model=m.LabourExport)
def labour_edit(request, record):
    _refuse_read_only(request)
    user = request.user
    form = _bind(request, "export", f.LabourExportForm, user=user, instance=record) if can_write(user) else None
    if _run(
        request,
        form,
        lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)),
        "已更新劳务输出。请核对该户工资性收入，确认后更新农户档案。",
    ):
        return _to_wage(record)
    return render_page(
        request,
        title=f"劳务输出：{record.member.name}",
        subtitle=record.member.household.village.full_name(),
        facts=[
            ("务工地点", record.destination),
            ("外出日期", record.since),
            ("返乡日期", record.until),
            ("月收入", record.monthly_income),
        ],
        sections=[Section("修改", [], form=form, form_key="export", form_title="修改劳务输出信息")],
        crumbs=[("劳务输出", reverse("people:labour"))],
    )


def _to_wage(record: m.LabourExport):
    year = min(_today().year, (record.until or _today()).year)
    return redirect(f"{reverse('people:wage', args=[record.member.household_id])}?year={year}")


@staff_view(model=Household)
def wage(request, household):
    """The employment ledgers' wage figure for a year against the registry; applied only on confirmation."""
    _refuse_read_only(request)
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or _today().year)
    except ValueError:
        year = _today().year
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            total = services.labour_wage_apply(actor=request.user, household=household, year=year, request=request)
            messages.success(request, f"已将{year}年工资性收入更新为 {fmt(total)} 元")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(f"{reverse('people:wage', args=[household.pk])}?year={year}")
    rows = selectors.wage_figures(Household.objects.filter(pk=household.pk), year)
    row = rows[0] if rows else selectors.WageRow(household.pk, year)
    income = household.incomes.filter(year=year).first()
    actions = []
    may = can_write(request.user, "people.wage.apply")
    if may and (income is None or income.wage_income != row.total):
        actions = [
            [
                Cell(
                    f"确认将{year}年工资性收入更新为 {fmt(row.total)} 元",
                    post=reverse("people:wage", args=[household.pk]),
                    fields={"confirm": "yes", "year": year},
                )
            ]
        ]
    return render_page(
        request,
        title=f"工资性收入核对：{household}",
        subtitle=household.village.full_name(),
        facts=[
            ("年度", str(year)),
            ("劳务输出（月收入×外出月数）", row.labour_export),
            ("公益岗位（实发）", row.public_posts),
            ("帮扶车间（月工资×在岗月数）", row.workshops),
            ("就业台账合计", row.total),
            ("农户档案现登记工资性收入", income.wage_income if income else "未登记"),
        ],
        sections=[
            Section(
                "更新农户档案",
                ["操作"] if actions else [],
                actions,
                note="就业台账变动后，经您确认才会写入农户档案的家庭收入（通过农户档案的收入登记服务，留痕）。"
                if actions
                else "农户档案与就业台账一致，或您的角色无权更新农户档案。",
            )
        ],
        filters=[
            ("year", "年度", [(str(y), f"{y}年") for y in range(_today().year, _today().year - 4, -1)], str(year))
        ],
        crumbs=[("劳务输出", reverse("people:labour"))],
    )
