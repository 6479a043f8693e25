"""Pages of the village ledgers: thin (parse, call a service or selector, render), phone first."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.regions.models import Level, Region
from zhenxing.registry.models import Household

from . import forms as f
from . import lists, points, selectors, services
from . import models as m
from .pages import Cell, Section, cell, fmt, pct, render_page, wants_xlsx, xlsx_response

# ---------------------------------------------------------------- helpers


def can_write(user, action: str = "people.ledger.write") -> bool:
    """Whether to show a write form: the service's own rule (scope.write_rules in services.py)."""
    return scope.can_write(user, None, action)


def _bind(request, key: str, form_cls, **kwargs):
    bound = request.method == "POST" and request.POST.get("form") == key
    return form_cls(request.POST if bound else None, **kwargs)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _run(request, form, fn: Callable[[dict], object], done: str) -> bool:
    """Validate a bound form and call the service; errors land on the form."""
    if form is None or not form.is_bound:
        return False
    if not form.is_valid():
        return False
    try:
        fn(form.cleaned_data)
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    messages.success(request, done)
    return True


def _village_choice(request, qs=None):
    """The village a village-level page shows (?village=code, default the first in scope)."""
    vs = list(qs if qs is not None else selectors.villages(request.user))
    code = request.GET.get("village") or request.POST.get("village_code")
    village = _chosen(vs, code) if code else (vs[0] if vs else None)
    filters = [("village", "村", [(v.code, v.full_name(below=request.user.region) or v.display_name) for v in vs],
                village.code if village else "")] if len(vs) > 1 else []
    return village, filters


def _chosen(nodes: list[Region], code: str) -> Region:
    """The node named by ``code`` among the page's choices. Another region's code (or an unknown
    one) answers 404 like ``scope.region_param``: falling back to the first choice would show, or
    write to, a village other than the one in the link."""
    node = next((n for n in nodes if n.code == code), None)
    if node is None:
        raise Http404("记录不存在或不在您的数据权限范围内")
    return node


def _active(start, end, today) -> str:
    return "在岗" if start <= today and (end is None or end >= today) else ("已离岗" if end and end < today else "未到岗")


def _today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- county view (home of the module)


@staff_view()
def summary(request):
    today, region = _today(), scope.region_param(request)
    rows = selectors.village_summary(request.user, today, region=region)
    table = Section("各村情况", [
        "村", "脱贫人口在岗公益岗位（人）", "上年同期（人）", "帮扶车间（个）", "车间脱贫劳动力占比", "低于县定占比车间",
        "结对承诺资金", "已兑现资金", "驻村干部（人）", "在村天数不足（人）", "本年入账积分", "待办积分", "办理中清单事项"],
        [[Cell(r.village.display_name, url=f"{reverse('people:points')}?village={r.village.code}"),
          cell(r.posts.now, badge="同比下降" if r.posts.falling else "", badge_class="warn"), cell(r.posts.last_year),
          cell(r.workshops), pct(r.worker_share),
          cell(r.workshops_below, badge="预警" if r.workshops_below else "", badge_class="warn"),
          cell(r.pairing.committed_money), cell(r.pairing.delivered_money), cell(r.cadres),
          cell(r.cadres_below, badge="预警" if r.cadres_below else "", badge_class="warn"),
          cell(r.points.get("credited", 0)), cell(r.points.get("waiting", 0)), cell(r.open_cases)]
         for r in rows],
        note=f"统计日期 {fmt(today)}；公益岗位人数与上年同日比较，下降时预警；车间占比和驻村天数按所在县当年要求判断。")
    if wants_xlsx(request):
        return xlsx_response(request, title="就业帮扶与乡村治理各村情况", sections=[table], filename="各村情况",
                             region=region)
    links = [("公益岗位", reverse("people:posts")), ("帮扶车间", reverse("people:workshops")),
             ("劳务输出", reverse("people:labour")), ("百企兴百村", reverse("people:pairings")),
             ("驻村工作队", reverse("people:teams")), ("驻村天数", reverse("people:cadre_days")),
             ("积分制", reverse("people:points")), ("小微权力清单", reverse("people:powers"))]
    if can_write(request.user, "people.setting.set"):
        links.append(("县级要求设置", reverse("people:settings")))
    return render_page(request, title="就业帮扶与乡村治理", subtitle=request.user.region.full_name(), links=links,
                       sections=[table], export=True, region_filter=region)


# ---------------------------------------------------------------- 公益岗位


@staff_view()
def posts(request):
    user, today, region = request.user, _today(), scope.region_param(request)
    form = _bind(request, "post", f.PostForm, user=user) if can_write(user) else None
    if _run(request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已登记公益岗位"):
        return redirect("people:posts")
    qs = (scope.within(scope.scoped(user, m.PublicPost), region).select_related("village")
          .order_by("village__path", "name")
          .annotate(holders=Count("holdings", filter=selectors.active_on(today, "holdings__"), distinct=True),
                    poor=Count("holdings", filter=selectors.active_on(today, "holdings__")
                               & Q(holdings__member__household__formerly_poor=True), distinct=True)))
    table = Section("公益岗位", ["村", "岗位", "类别", "月补贴标准", "资金来源", "在岗人数", "其中脱贫人口"],
                    [[p.village.display_name, Cell(p.name, url=reverse("people:post", args=[p.pk])),
                      p.get_kind_display(), p.monthly_pay, p.get_funding_display(), p.holders, p.poor] for p in qs],
                    form=form, form_key="post", form_title="登记公益岗位")
    stab = selectors.post_holders(scope.within(scope.scoped(user, m.PostHolding), region), today)
    vnames = {v.pk: v.display_name for v in selectors.villages(user).filter(pk__in=stab)}
    trend = Section("脱贫人口在岗人数同比", ["村", "当前（人）", "上年同日（人）", "预警"],
                    [[vnames.get(vid, ""), s.now, s.last_year,
                      Cell("同比下降", badge_class="warn", badge="预警") if s.falling else "—"]
                     for vid, s in sorted(stab.items(), key=lambda kv: vnames.get(kv[0], ""))])
    if wants_xlsx(request):
        return xlsx_response(request, title="乡村公益岗位", sections=[table, trend], filename="公益岗位", region=region)
    return render_page(request, title="乡村公益岗位", sections=[trend, table], export=True, region_filter=region,
                       crumbs=[("就业帮扶与乡村治理", reverse("people:home"))])


@staff_view(model=m.PublicPost)
def post_detail(request, post):
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
    people_rows = [[h.member.name, h.member.household.number,
                    Cell("脱贫户", badge="脱贫户") if h.member.household.formerly_poor else "—", h.start, h.end,
                    _active(h.start, h.end, today),
                    [Cell("离岗", post=reverse("people:holding_end", args=[h.pk]), input="end", input_type="date")] if write and h.end is None else "—"] for h in holdings]
    pays = m.PostPay.objects.filter(holding__post=post).select_related("holding__member").order_by("-month")[:120]
    return render_page(
        request, title=post.name, subtitle=post.village.full_name(),
        links=[("修改", reverse("people:post_edit", args=[post.pk]))] if write else [],
        facts=[("岗位类别", post.get_kind_display()), ("月补贴标准", post.monthly_pay),
               ("资金来源", post.get_funding_display())],
        sections=[Section("上岗人员", ["姓名", "户编号", "脱贫户", "上岗日期", "离岗日期", "状态", "操作"], people_rows,
                          form=hform, form_key="holding", form_title="登记上岗"),
                  Section("考勤与补贴发放", ["姓名", "月份", "出勤天数", "实发金额"],
                          [[p.holding.member.name, f"{p.month:%Y年%m月}", p.days_worked, p.pay] for p in pays],
                          form=pform, form_key="pay", form_title="登记当月考勤发放")],
        crumbs=[("公益岗位", reverse("people:posts"))])


def _end(request, record, back: str):
    if request.method != "POST":
        return redirect(back)
    form = f.EndForm(request.POST)
    if form.is_valid():
        try:
            services.record_end(actor=request.user, record=record, end=form.cleaned_data["end"])
            messages.success(request, "已登记离岗")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "请按 年-月-日 填写离岗日期")
    return redirect(back)


@staff_view(model=m.PostHolding)
def holding_end(request, holding):
    return _end(request, holding, reverse("people:post", args=[holding.post_id]))


@staff_view(model=m.WorkshopWorker)
def worker_end(request, worker):
    return _end(request, worker, reverse("people:workshop", args=[worker.workshop_id]))


def _edit(request, obj, form_cls, *, title: str, back: str, **form_kwargs):
    """Change a ledger record's own fields (its village and people stay as registered)."""
    user = request.user
    form = _bind(request, "edit", form_cls, user=user, instance=obj, **form_kwargs) if can_write(user) else None
    if form is not None and "village" in form.fields:
        del form.fields["village"]
    if _run(request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已保存修改"):
        return redirect(back)
    return render_page(request, title=title, subtitle=region_of_display(obj),
                       sections=[Section("修改", [], form=form, form_key="edit", form_title="修改信息",
                                         empty="您的角色只能查看。")], crumbs=[("返回", back)])


def region_of_display(obj) -> str:
    region = services.region_of(obj)
    return region.full_name() if region else ""


@staff_view(model=m.PublicPost)
def post_edit(request, post):
    return _edit(request, post, f.PostForm, title=f"修改公益岗位：{post.name}", back=reverse("people:post", args=[post.pk]))


@staff_view(model=m.Workshop)
def workshop_edit(request, workshop):
    return _edit(request, workshop, f.WorkshopForm, title=f"修改帮扶车间：{workshop.name}",
                 back=reverse("people:workshop", args=[workshop.pk]))


@staff_view(model=m.Pairing)
def pairing_edit(request, pairing):
    return _edit(request, pairing, f.PairingForm, title=f"修改结对：{pairing.partner}",
                 back=reverse("people:pairing", args=[pairing.pk]))


@staff_view(model=m.WorkTeam)
def team_edit(request, team):
    return _edit(request, team, f.TeamForm, title=f"修改工作队：{team.unit}", back=reverse("people:team", args=[team.pk]))


@staff_view(model=m.Cadre)
def cadre_edit(request, cadre):
    return _edit(request, cadre, f.CadreForm, title=f"修改驻村干部：{cadre.name}", back=reverse("people:cadre", args=[cadre.pk]))


@staff_view(model=m.PointRule)
def rule_edit(request, rule):
    return _edit(request, rule, f.RuleEditForm, title=f"修改积分规则：{rule.name}",
                 back=f"{reverse('people:points')}?village={rule.village.code}")


@staff_view(model=m.StoreItem)
def item_edit(request, item):
    return _edit(request, item, f.StoreItemEditForm, title=f"修改商品：{item.name}",
                 back=reverse("people:item", args=[item.pk]))


# ---------------------------------------------------------------- 帮扶车间


@staff_view()
def workshops(request):
    user, today, region = request.user, _today(), scope.region_param(request)
    form = _bind(request, "workshop", f.WorkshopForm, user=user) if can_write(user) else None
    if _run(request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已登记帮扶车间"):
        return redirect("people:workshops")
    only_below = request.GET.get("below") == "1"
    shares = selectors.workshop_shares(scope.within(scope.scoped(user, m.Workshop), region), today)
    table = Section("帮扶车间", ["村", "车间", "经营主体", "主要产品", "扶持政策", "在岗务工（人）", "其中脱贫劳动力",
                              "脱贫劳动力占比", "县定要求", "判断"],
                    [[s.workshop.village.display_name, Cell(s.workshop.name, url=reverse("people:workshop", args=[s.workshop.pk])),
                      s.workshop.owner, s.workshop.products, s.workshop.policy_support, s.workers, s.poor, pct(s.share),
                      pct(s.required), Cell("低于要求", badge="预警", badge_class="warn") if s.below else "达标" if s.workers else "—"]
                     for s in shares if s.below or not only_below], form=form, form_key="workshop", form_title="登记帮扶车间",
                    note=f"统计日期 {fmt(today)}；占比低于所在县当年要求的车间标注预警（等于要求视为达标）。")
    if wants_xlsx(request):
        return xlsx_response(request, title="帮扶车间", sections=[table], filename="帮扶车间", region=region)
    return render_page(request, title="帮扶车间", sections=[table], export=True, region_filter=region,
                       filters=[("below", "范围", [("", "全部"), ("1", "仅低于县定占比")], "1" if only_below else "")],
                       crumbs=[("就业帮扶与乡村治理", reverse("people:home"))])


@staff_view(model=m.Workshop)
def workshop_detail(request, workshop):
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
        request, title=workshop.name, subtitle=workshop.village.full_name(),
        facts=[("经营主体", workshop.owner), ("主要产品", workshop.products), ("扶持政策", workshop.policy_support),
               ("扶持资金", workshop.support_amount), ("在岗务工", f"{share.workers}人，其中脱贫劳动力{share.poor}人"),
               ("脱贫劳动力占比", pct(share.share).text + ("（低于县定要求）" if share.below else "")),
               ("县定要求", pct(share.required).text)],
        links=[("修改", reverse("people:workshop_edit", args=[workshop.pk]))] if form is not None else [],
        sections=[Section("务工人员", ["姓名", "户编号", "脱贫户", "入职日期", "离职日期", "月工资", "状态", "操作"],
                          [[w.member.name, w.member.household.number, w.member.household.formerly_poor, w.start, w.end,
                            w.monthly_wage, _active(w.start, w.end, today),
                            [Cell("离职", post=reverse("people:worker_end", args=[w.pk]), input="end", input_type="date")]
                            if form is not None and w.end is None else "—"] for w in workers],
                          form=form, form_key="worker", form_title="登记务工人员")],
        crumbs=[("帮扶车间", reverse("people:workshops"))])


# ---------------------------------------------------------------- 劳务输出


@staff_view()
def labour(request):
    user = request.user
    form = _bind(request, "export", f.LabourExportForm, user=user) if can_write(user) else None

    saved = []

    def add(d):
        saved.append(services.ledger_save(actor=user, instance=form.save(commit=False)))

    if _run(request, form, add, "已登记劳务输出。请核对该户工资性收入，确认后更新农户档案。"):
        return _to_wage(saved[0])
    qs = scope.scoped(user, m.LabourExport).select_related("member__household__village").order_by(
        "member__household__village__path", "-since")[:2000]
    table = Section("劳务输出人员", ["村", "姓名", "户编号", "务工地点", "从事行业", "外出日期", "返乡日期", "月收入", "操作"],
                    [[e.member.household.village.display_name, e.member.name, e.member.household.number, e.destination,
                      e.sector, e.since, e.until, e.monthly_income,
                      [Cell("修改", url=reverse("people:labour_edit", args=[e.pk])),
                       Cell("工资性收入", url=reverse("people:wage", args=[e.member.household_id]))]] for e in qs],
                    form=form, form_key="export", form_title="登记外出务工")
    if wants_xlsx(request):
        return xlsx_response(request, title="劳务输出", sections=[table], filename="劳务输出")
    return render_page(request, title="劳务输出", sections=[table], export=True,
                       crumbs=[("就业帮扶与乡村治理", reverse("people:home"))])


@staff_view(model=m.LabourExport)
def labour_edit(request, record):
    user = request.user
    form = _bind(request, "export", f.LabourExportForm, user=user, instance=record) if can_write(user) else None
    if _run(request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)),
            "已更新劳务输出。请核对该户工资性收入，确认后更新农户档案。"):
        return _to_wage(record)
    return render_page(request, title=f"劳务输出：{record.member.name}", subtitle=record.member.household.village.full_name(),
                       facts=[("务工地点", record.destination), ("外出日期", record.since), ("返乡日期", record.until),
                              ("月收入", record.monthly_income)],
                       sections=[Section("修改", [], form=form, form_key="export", form_title="修改劳务输出信息")],
                       crumbs=[("劳务输出", reverse("people:labour"))])


def _to_wage(record: m.LabourExport):
    year = min(_today().year, (record.until or _today()).year)
    return redirect(f"{reverse('people:wage', args=[record.member.household_id])}?year={year}")


@staff_view(model=Household)
def wage(request, household):
    """The employment ledgers' wage figure for a year against the registry; applied only on confirmation."""
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
        actions = [[Cell(f"确认将{year}年工资性收入更新为 {fmt(row.total)} 元", post=reverse("people:wage", args=[household.pk]),
                         fields={"confirm": "yes", "year": year})]]
    return render_page(
        request, title=f"工资性收入核对：{household}", subtitle=household.village.full_name(),
        facts=[("年度", str(year)), ("劳务输出（月收入×外出月数）", row.labour_export), ("公益岗位（实发）", row.public_posts),
               ("帮扶车间（月工资×在岗月数）", row.workshops), ("就业台账合计", row.total),
               ("农户档案现登记工资性收入", income.wage_income if income else "未登记")],
        sections=[Section("更新农户档案", ["操作"] if actions else [], actions,
                          note="就业台账变动后，经您确认才会写入农户档案的家庭收入（通过农户档案的收入登记服务，留痕）。"
                          if actions else "农户档案与就业台账一致，或您的角色无权更新农户档案。")],
        filters=[("year", "年度", [(str(y), f"{y}年") for y in range(_today().year, _today().year - 4, -1)], str(year))],
        crumbs=[("劳务输出", reverse("people:labour"))])


# ---------------------------------------------------------------- 百企兴百村


@staff_view()
def pairings(request):
    user, region = request.user, scope.region_param(request)
    form = _bind(request, "pairing", f.PairingForm, user=user) if can_write(user) else None
    if _run(request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已登记结对"):
        return redirect("people:pairings")
    mine = scope.within(scope.scoped(user, m.Pairing), region)
    qs = selectors.pairings_summary(mine)
    table = Section("结对帮扶", ["村", "帮扶主体", "类型", "结对日期", "承诺资金", "已兑现资金", "承诺消费帮扶", "已兑现消费帮扶",
                              "承诺岗位", "已兑现岗位", "承诺项目", "已兑现项目"],
                    [[p.village.display_name, Cell(p.partner, url=reverse("people:pairing", args=[p.pk])),
                      p.get_partner_kind_display(), p.since, p.committed_money, p.delivered_money, p.committed_purchases,
                      p.delivered_purchases, p.committed_jobs, p.delivered_jobs, p.committed_projects,
                      p.delivered_projects] for p in qs], form=form, form_key="pairing", form_title="登记结对")
    totals = selectors.pairing_totals(mine, "county")
    names = {r.pk: r.display_name for r in Region.objects.filter(pk__in=[k for k in totals if k])}
    county = Section("分县汇总", ["县（市、区）", "结对数", "承诺资金", "已兑现资金", "资金兑现率", "承诺岗位", "已兑现岗位",
                              "承诺项目", "已兑现项目"],
                     [[names.get(k, ""), t.pairings, t.committed_money, t.delivered_money, pct(t.money_rate),
                       t.committed_jobs, t.delivered_jobs, t.committed_projects, t.delivered_projects]
                      for k, t in sorted(totals.items(), key=lambda kv: names.get(kv[0], ""))])
    if wants_xlsx(request):
        return xlsx_response(request, title="百企兴百村", sections=[table, county], filename="百企兴百村", region=region)
    return render_page(request, title="百企兴百村", sections=[county, table], export=True, region_filter=region,
                       crumbs=[("就业帮扶与乡村治理", reverse("people:home"))])


@staff_view(model=m.Pairing)
def pairing_detail(request, pairing):
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
        request, title=f"{pairing.partner} 结对 {pairing.village.display_name}", subtitle=pairing.village.full_name(),
        links=[("修改", reverse("people:pairing_edit", args=[pairing.pk]))] if form is not None else [],
        facts=[("主体类型", p.get_partner_kind_display()), ("结对日期", p.since),
               ("资金", f"承诺 {fmt(p.committed_money)} 元，已兑现 {fmt(p.delivered_money)} 元"),
               ("消费帮扶", f"承诺 {fmt(p.committed_purchases)} 元，已兑现 {fmt(p.delivered_purchases)} 元"),
               ("岗位", f"承诺 {p.committed_jobs} 个，已兑现 {p.delivered_jobs} 个"),
               ("项目", f"承诺 {p.committed_projects} 个，已兑现 {p.delivered_projects} 个"), ("备注", p.note)],
        sections=[Section("兑现记录", ["日期", "类型", "金额", "数量", "内容"],
                          [[d.date, d.get_kind_display(), d.amount, d.count, d.note] for d in pairing.deliveries.all()],
                          form=form, form_key="delivery", form_title="登记兑现")],
        crumbs=[("百企兴百村", reverse("people:pairings"))])


# ---------------------------------------------------------------- 驻村工作队


@staff_view()
def teams(request):
    user = request.user
    form = _bind(request, "team", f.TeamForm, user=user) if can_write(user) else None
    if _run(request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已登记工作队"):
        return redirect("people:teams")
    qs = (scope.scoped(user, m.WorkTeam).select_related("village").order_by("village__path", "-start")
          .prefetch_related(Prefetch("cadres", queryset=m.Cadre.objects.order_by("position", "name"))))
    table = Section("驻村工作队", ["村", "派出单位", "派驻日期", "轮换日期", "队员"],
                    [[t.village.display_name, Cell(t.unit, url=reverse("people:team", args=[t.pk])), t.start, t.end,
                      [Cell(str(c), url=reverse("people:cadre", args=[c.pk])) for c in t.cadres.all()] or "—"]
                     for t in qs], form=form, form_key="team", form_title="登记驻村工作队")
    if wants_xlsx(request):
        return xlsx_response(request, title="驻村工作队", sections=[table], filename="驻村工作队")
    return render_page(request, title="驻村工作队", sections=[table], export=True,
                       links=[("在村天数", reverse("people:cadre_days"))],
                       crumbs=[("就业帮扶与乡村治理", reverse("people:home"))])


@staff_view(model=m.WorkTeam)
def team_detail(request, team):
    user = request.user
    form = _bind(request, "cadre", f.CadreForm, user=user) if can_write(user) else None

    def add(d):
        c = form.save(commit=False)
        c.team = team
        services.ledger_save(actor=user, instance=c)

    if _run(request, form, add, "已登记驻村干部"):
        return redirect("people:team", team.pk)
    cadres = team.cadres.order_by("position", "name")
    return render_page(
        request, title=str(team), subtitle=team.village.full_name(),
        links=[("修改", reverse("people:team_edit", args=[team.pk]))] if form is not None else [],
        facts=[("派出单位", team.unit), ("派驻日期", team.start), ("轮换日期", team.end)],
        sections=[Section("驻村干部", ["姓名", "职务", "原单位", "联系电话", "驻村日期", "离村日期"],
                          [[Cell(c.name, url=reverse("people:cadre", args=[c.pk])), c.get_position_display(), c.home_unit,
                            c.phone, c.start, c.end] for c in cadres], form=form, form_key="cadre",
                          form_title="登记驻村干部")],
        crumbs=[("驻村工作队", reverse("people:teams"))])


@staff_view(model=m.Cadre)
def cadre_detail(request, cadre):
    user, today = request.user, _today()
    village = cadre.team.village
    write = can_write(user)
    specs = {"log": (f.LogForm, {}), "household": (f.CadreHouseholdForm, {"village": village}),
             "training": (f.TrainingForm, {}), "assessment": (f.AssessmentForm, {})}
    forms = {k: _bind(request, k, cls, user=user, **kw) if write else None for k, (cls, kw) in specs.items()}
    for key, form in forms.items():
        def add(d, form=form):
            x = form.save(commit=False)
            x.cadre = cadre
            services.ledger_save(actor=user, instance=x)

        if _run(request, form, add, "已保存"):
            return redirect("people:cadre", cadre.pk)
    days = selectors.cadre_days(m.Cadre.objects.filter(pk=cadre.pk), today.year, today)
    d = days[0] if days else None
    logs = cadre.logs.order_by("-date")[:60]
    return render_page(
        request, title=str(cadre), subtitle=village.full_name(),
        links=[("修改", reverse("people:cadre_edit", args=[cadre.pk]))] if write else [],
        facts=[("原单位", cadre.home_unit), ("联系电话", cadre.phone), ("驻村日期", cadre.start), ("离村日期", cadre.end),
               ("本年在村天数", f"{d.days}天（截至今日应不少于{d.required}天）" + ("，不足" if d.below else "") if d else "—")],
        sections=[
            Section("工作日志（最近60条）", ["日期", "在村", "工作内容"], [[x.date, x.in_village, x.content] for x in logs],
                    form=forms["log"], form_key="log", form_title="记工作日志"),
            Section("帮扶户", ["户编号", "户主", "脱贫户"],
                    [[h.household.number, h.household.head_name, h.household.formerly_poor]
                     for h in cadre.households.select_related("household")],
                    form=forms["household"], form_key="household", form_title="添加帮扶户"),
            Section("参加培训", ["日期", "培训内容", "学时"], [[t.date, t.title, t.hours] for t in cadre.trainings.all()],
                    form=forms["training"], form_key="training", form_title="登记培训"),
            Section("年度考核", ["年度", "结果", "说明"],
                    [[str(a.year), a.get_result_display(), a.note] for a in cadre.assessments.all()],
                    form=forms["assessment"], form_key="assessment", form_title="登记年度考核"),
        ],
        crumbs=[("驻村工作队", reverse("people:teams")), (str(cadre.team.unit), reverse("people:team", args=[cadre.team_id]))])


@staff_view()
def cadre_days(request):
    today, region = _today(), scope.region_param(request)
    rows = selectors.cadre_days(scope.within(scope.scoped(request.user, m.Cadre), region), today.year, today)
    only_below = request.GET.get("below") == "1"
    table = Section("驻村干部在村天数", ["村", "姓名", "职务", "派出单位", "本年在村天数", "截至今日应在村天数", "判断"],
                    [[r.cadre.team.village.display_name, Cell(r.cadre.name, url=reverse("people:cadre", args=[r.cadre.pk])),
                      r.cadre.get_position_display(), r.cadre.team.unit, r.days, r.required,
                      Cell("不足", badge="预警", badge_class="warn") if r.below else "达标"]
                     for r in rows if r.below or not only_below],
                    note="应在村天数 = 县定每年天数 × 本年在岗天数 ÷ 全年天数（向下取整）。")
    if wants_xlsx(request):
        return xlsx_response(request, title="驻村干部在村天数", sections=[table], filename="驻村天数", region=region)
    return render_page(request, title="驻村干部在村天数", sections=[table], export=True, region_filter=region,
                       filters=[("below", "范围", [("", "全部"), ("1", "仅不足")], "1" if only_below else "")],
                       crumbs=[("驻村工作队", reverse("people:teams"))])


# ---------------------------------------------------------------- 积分制


@staff_view()
def points_home(request):
    user, today = request.user, _today()
    village, filters = _village_choice(request)
    if village is None:
        return render_page(request, title="积分制", sections=[Section("积分制", [], empty="您的范围内没有村。")])
    url = f"{reverse('people:points')}?village={village.code}"
    committee = can_write(user, "people.points.committee")
    rform = _bind(request, "rule", f.RuleForm, user=user) if committee else None
    iform = _bind(request, "item", f.StoreItemForm, user=user) if committee else None
    pform = _bind(request, "propose", f.ProposeForm, user=user, village=village) if committee else None

    def add_with_village(form):
        def go(d):
            x = form.save(commit=False)
            x.village = village
            services.ledger_save(actor=user, instance=x, action="people.points.committee")
        return go

    if (_run(request, rform, add_with_village(rform), "已添加积分规则")
            or _run(request, iform, add_with_village(iform), "已上架商品")
            or _run(request, pform, lambda d: points.entry_propose(actor=user, **d), "已提交积分申报，待村委会确认")):
        return redirect(url)
    entries = (scope.scoped(user, m.PointEntry).filter(household__village=village)
               .exclude(state__in=[m.EntryState.CREDITED, m.EntryState.REJECTED]).select_related("household", "rule"))
    pending_rows = []
    for e in entries:
        acts = [Cell(t.label, post=reverse("people:entry", args=[e.pk]),
                     fields={"action": t.action, "version": e.version},
                     input="reason" if t.action == "reject" else "", placeholder="原因")
                for t in points.actions_for(user, e)]
        pending_rows.append([Cell(e.household.number, url=reverse("people:household_points", args=[e.household_id])),
                             e.household.head_name, e.rule.name, f"{e.points:+d}", e.date, e.proposer_name,
                             e.get_state_display(), e.posted_on, acts or "—"])
    rank = selectors.ranking(scope.scoped(user, m.PointAccount), scope.scoped(user, m.PointEntry), village, today.year)
    rules = scope.scoped(user, m.PointRule).filter(village=village, active=True)
    items = scope.scoped(user, m.StoreItem).filter(village=village)
    sections = [
        Section("待办积分申报", ["户编号", "户主", "事项", "分值", "事项日期", "提议人", "状态", "公示日期", "操作"], pending_rows,
                form=pform, form_key="propose", form_title="小组长提议积分",
                note="流程：村民小组长提议 → 村委会确认 → 张榜公示 → 公示期满无异议入账。"),
        Section(f"{today.year}年积分排名", ["名次", "户编号", "户主", "本年入账", "积分余额"],
                [[r["rank"], Cell(r["household"].number, url=reverse("people:household_points", args=[r["household"].pk])),
                  r["household"].head_name, r["year_points"], r["balance"]] for r in rank]),
        Section("积分超市", ["商品", "兑换积分", "库存", "上架"],
                [[Cell(i.name, url=reverse("people:item", args=[i.pk])), i.price, i.stock, i.active] for i in items],
                form=iform, form_key="item", form_title="上架商品"),
        Section("积分规则", ["类别", "事项", "分值"],
                [[r.get_category_display(), Cell(r.name, url=reverse("people:rule_edit", args=[r.pk])) if committee else r.name,
                  f"{r.points:+d}"] for r in rules],
                form=rform, form_key="rule", form_title="添加积分规则"),
    ]
    if wants_xlsx(request):
        return xlsx_response(request, title=f"{village.display_name}积分制", sections=sections[1:], filename="积分制")
    return render_page(request, title=f"积分制：{village.display_name}", subtitle=village.full_name(), filters=filters,
                       sections=sections, export=True, crumbs=[("就业帮扶与乡村治理", reverse("people:home"))])


@staff_view(model=m.PointEntry)
def entry_detail(request, entry):
    back = f"{reverse('people:points')}?village={entry.household.village.code}"
    if request.method == "POST":
        try:
            version = int(request.POST.get("version") or 0)
        except ValueError:
            version = 0
        try:
            points.entry_transition(actor=request.user, entry=entry, action=request.POST.get("action", ""),
                                    version=version, reason=request.POST.get("reason", ""), request=request)
            messages.success(request, "已办理")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(back)
    return render_page(
        request, title=f"积分申报：{entry.household}", subtitle=entry.household.village.full_name(),
        facts=[("事项", entry.rule.name), ("分值", f"{entry.points:+d}"), ("事项日期", entry.date),
               ("提议人", entry.proposer_name), ("录入人", str(entry.entered_by or "—")), ("状态", entry.get_state_display()),
               ("确认人", str(entry.confirmed_by or "—")), ("确认时间", entry.confirmed_at), ("公示日期", entry.posted_on),
               ("入账时间", entry.credited_at), ("实际入账", entry.applied), ("未通过原因", entry.rejected_reason or "—")],
        crumbs=[("积分制", back)])


@staff_view(model=Household)
def household_points(request, household):
    user = request.user
    committee = can_write(user, "people.points.committee")
    form = _bind(request, "redeem", f.RedeemForm, user=user, village=household.village) if committee else None
    if _run(request, form, lambda d: points.redeem(actor=user, household=household, item=d["item"],
                                                   quantity=d["quantity"], request=request), "已兑换"):
        return redirect("people:household_points", household.pk)
    account = scope.scoped(user, m.PointAccount).filter(household=household).first()
    history = selectors.household_history(user, household)
    return render_page(
        request, title=f"积分明细：{household}", subtitle=household.village.full_name(),
        facts=[("积分余额", str(account.balance if account else 0)), ("累计入账", str(account.earned if account else 0)),
               ("累计兑换", str(account.spent if account else 0))],
        sections=[Section("积分记录", ["日期", "事项", "分值", "状态"],
                          [[r["date"], Cell(r["what"], url=reverse("people:entry", args=[r["obj"].pk]))
                            if r["kind"] == "entry" else r["what"], f"{r['points']:+d}" if r["points"] is not None else "—",
                            r["state"]] for r in history], form=form, form_key="redeem", form_title="积分超市兑换")],
        crumbs=[("积分制", f"{reverse('people:points')}?village={household.village.code}")])


@staff_view(model=m.StoreItem)
def item_detail(request, item):
    user = request.user
    form = _bind(request, "restock", f.RestockForm) if can_write(user, "people.points.committee") else None
    if _run(request, form, lambda d: points.restock(actor=user, item=item, add=d["add"]), "已更新库存"):
        return redirect("people:item", item.pk)
    reds = item.redemptions.select_related("household").order_by("-date", "-id")[:200]
    return render_page(
        request, title=f"积分超市：{item.name}", subtitle=item.village.full_name(),
        links=[("修改", reverse("people:item_edit", args=[item.pk]))] if form is not None else [],
        facts=[("兑换积分", str(item.price)), ("库存", str(item.stock)), ("上架", item.active)],
        sections=[Section("兑换记录", ["日期", "户编号", "户主", "数量", "消耗积分"],
                          [[r.date, r.household.number, r.household.head_name, r.quantity, r.points] for r in reds],
                          form=form, form_key="restock", form_title="入库或出库")],
        crumbs=[("积分制", f"{reverse('people:points')}?village={item.village.code}")])


# ---------------------------------------------------------------- 清单制


@staff_view()
def powers(request):
    user = request.user
    form = _bind(request, "power", f.PowerForm, user=user) if can_write(user, "people.list.write") else None
    if _run(request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False),
                                                          action="people.list.write"), "已添加权力事项"):
        return redirect("people:powers")
    qs = (scope.scoped(user, m.Power).select_related("village").order_by("village__path", "number")
          .annotate(n_steps=Count("steps", distinct=True),
                    n_open=Count("cases", filter=Q(cases__state=m.CaseState.OPEN), distinct=True)))
    table = Section("小微权力清单", ["村", "序号", "权力事项", "类别", "办理步骤", "办理中"],
                    [[p.village.display_name, p.number, Cell(p.name, url=reverse("people:power", args=[p.pk])),
                      p.get_category_display(), p.n_steps, p.n_open] for p in qs],
                    form=form, form_key="power", form_title="添加权力事项")
    if wants_xlsx(request):
        return xlsx_response(request, title="小微权力清单", sections=[table], filename="小微权力清单")
    return render_page(request, title="小微权力清单", sections=[table], export=True,
                       links=[("打印上墙清单", reverse("people:board"))],
                       crumbs=[("就业帮扶与乡村治理", reverse("people:home"))])


@staff_view(model=m.Power)
def power_detail(request, power):
    user = request.user
    write = can_write(user, "people.list.write")
    sform = _bind(request, "step", f.StepForm) if write else None
    cform = _bind(request, "case", f.CaseForm, initial={"opened": _today()}) if write else None
    if (_run(request, sform, lambda d: lists.step_append(actor=user, power=power, **d), "已添加步骤")
            or _run(request, cform, lambda d: lists.case_open(actor=user, power=power, **d), "已登记办理事项")):
        return redirect("people:power", power.pk)
    steps = list(power.steps.all())
    cases = power.cases.order_by("-opened", "-id")[:200]
    return render_page(
        request, title=f"{power.number}. {power.name}", subtitle=power.village.full_name(),
        facts=[("类别", power.get_category_display()), ("依据", power.basis or "—")],
        sections=[Section("办理流程", ["步骤", "环节", "责任主体", "时限（天）"],
                          [[s.order, s.name, s.actor, s.time_limit_days] for s in steps], form=sform, form_key="step",
                          form_title="在流程末尾添加步骤"),
                  Section("办理事项", ["事项名称", "申请人", "启动日期", "进度", "状态"],
                          [[Cell(c.title, url=reverse("people:case", args=[c.pk])), c.applicant, c.opened,
                            f"{c.done_steps}/{len(steps)}", c.get_state_display()] for c in cases],
                          form=cform, form_key="case", form_title="登记新的办理事项")],
        crumbs=[("小微权力清单", reverse("people:powers"))])


@staff_view(model=m.PowerCase)
def case_detail(request, case):
    user = request.user
    write = can_write(user, "people.list.write")
    nxt = lists.next_step(case)
    rform = (_bind(request, "record", f.StepRecordForm, initial={"version": case.version, "done_on": _today()})
             if write and nxt else None)
    wform = _bind(request, "withdraw", f.ReasonForm) if write and case.state == m.CaseState.OPEN else None
    if (_run(request, rform, lambda d: lists.case_step_record(actor=user, case=case, step=nxt, request=request, **d),
             "已记录办理环节")
            or _run(request, wform, lambda d: lists.case_withdraw(actor=user, case=case, reason=d["reason"],
                                                                  request=request), "已撤回")):
        return redirect("people:case", case.pk)
    done = {r.step_id: r for r in case.records.select_related("recorded_by")}
    rows = []
    for s in case.power.steps.all():
        r = done.get(s.pk)
        rows.append([s.order, s.name, s.actor, r.done_by if r else "—", r.done_on if r else None,
                     r.note if r else "", str(r.recorded_by or "") if r else "",
                     "已完成" if r else ("下一步" if nxt and s.pk == nxt.pk else "未到")])
    section = Section("办理环节", ["步骤", "环节", "责任主体", "办理人", "办理日期", "办理情况", "登记人", "状态"], rows,
                      form=rform, form_key="record", form_title=f"记录第{nxt.order}步「{nxt.name}」" if nxt else "")
    if wform:
        section.extra_forms = [("withdraw", "撤回此事项", wform)]
    return render_page(
        request, title=case.title, subtitle=f"{case.power.village.full_name()} · {case.power.name}",
        facts=[("申请人或经办人", case.applicant or "—"), ("启动日期", case.opened), ("状态", case.get_state_display())],
        sections=[section], crumbs=[("小微权力清单", reverse("people:powers")),
                                    (case.power.name, reverse("people:power", args=[case.power_id]))])


@staff_view()
def board(request):
    """The village's micro-power list as posted on the village board (print view)."""
    village, filters = _village_choice(request)
    powers_qs = (scope.scoped(request.user, m.Power).filter(village=village).prefetch_related("steps")
                 if village else m.Power.objects.none())
    return render(request, "people/board.html", {"village": village, "powers": powers_qs, "filters": filters})


# ---------------------------------------------------------------- county settings


@staff_view(write="people.setting.set")
def settings_page(request):
    user = request.user
    counties = list(scope.regions(user).filter(level=Level.COUNTY).order_by("code"))
    filters = []
    code = request.GET.get("county") or request.POST.get("county_code")
    county = _chosen(counties, code) if code else (counties[0] if counties else None)
    if len(counties) > 1:
        filters = [("county", "县（市、区）", [(c.code, c.display_name) for c in counties], county.code if county else "")]
    form = _bind(request, "setting", f.SettingForm, initial={"year": _today().year}) if county else None

    def save(d):
        services.setting_save(actor=user, county=county, **d)

    if _run(request, form, save, "已保存县级要求"):
        return redirect(f"{reverse('people:settings')}?county={county.code}")
    rows = scope.scoped(user, m.CountySetting).filter(county=county).order_by("-year") if county else []
    return render_page(
        request, title="县级要求设置", subtitle=county.display_name if county else "", filters=filters,
        sections=[Section("历年要求", ["年度", "帮扶车间脱贫劳动力占比要求", "驻村天数要求", "积分公示天数"],
                          [[str(s.year), pct(s.workshop_poor_share), s.cadre_days_required, s.points_posting_days]
                           for s in rows], form=form, form_key="setting", form_title="设置（同一年度再次保存即修改）",
                          note=f"未设置的年度按默认值：占比 {pct(Decimal('0.3')).text}、驻村 220 天、积分公示 3 天。")],
        crumbs=[("就业帮扶与乡村治理", reverse("people:home"))])
