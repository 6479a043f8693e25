"""Village ledger pages: resident cadres (驻村工作队)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view

from .. import forms as f
from .. import models as m
from .. import selectors, services
from ..pages import Cell, Section, render_page, wants_xlsx, xlsx_response
from .base import _bind, _edit, _refuse_read_only, _run, _today, can_write


@staff_view(model=m.WorkTeam)
def team_edit(request, team):
    return _edit(
        request, team, f.TeamForm, title=f"修改工作队：{team.unit}", back=reverse("people:team", args=[team.pk])
    )


@staff_view(model=m.Cadre)
def cadre_edit(request, cadre):
    return _edit(
        request, cadre, f.CadreForm, title=f"修改驻村干部：{cadre.name}", back=reverse("people:cadre", args=[cadre.pk])
    )


@staff_view(page="people.home")
def teams(request):
    _refuse_read_only(request)
    user = request.user
    form = _bind(request, "team", f.TeamForm, user=user) if can_write(user) else None
    if _run(
        request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已登记工作队"
    ):
        return redirect("people:teams")
    qs = (
        scope.scoped(user, m.WorkTeam)
        .select_related("village")
        .order_by("village__path", "-start")
        .prefetch_related(Prefetch("cadres", queryset=m.Cadre.objects.order_by("position", "name")))
    )
    table = Section(
        "驻村工作队",
        ["村", "派出单位", "派驻日期", "轮换日期", "队员"],
        [
            [
                t.village.display_name,
                Cell(t.unit, url=reverse("people:team", args=[t.pk])),
                t.start,
                t.end,
                [Cell(str(c), url=reverse("people:cadre", args=[c.pk])) for c in t.cadres.all()] or "—",
            ]
            for t in qs
        ],
        form=form,
        form_key="team",
        form_title="登记驻村工作队",
    )
    if wants_xlsx(request):
        return xlsx_response(request, title="驻村工作队", sections=[table], filename="驻村工作队")
    return render_page(
        request,
        title="驻村工作队",
        sections=[table],
        export=True,
        links=[("在村天数", reverse("people:cadre_days"))],
        crumbs=[("就业帮扶与乡村治理", reverse("people:home"))],
    )


@staff_view(model=m.WorkTeam)
def team_detail(request, team):
    _refuse_read_only(request)
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
        request,
        title=str(team),
        subtitle=team.village.full_name(),
        links=[("修改", reverse("people:team_edit", args=[team.pk]))] if form is not None else [],
        facts=[("派出单位", team.unit), ("派驻日期", team.start), ("轮换日期", team.end)],
        sections=[
            Section(
                "驻村干部",
                ["姓名", "职务", "原单位", "联系电话", "驻村日期", "离村日期"],
                [
                    [
                        Cell(c.name, url=reverse("people:cadre", args=[c.pk])),
                        c.get_position_display(),
                        c.home_unit,
                        c.phone,
                        c.start,
                        c.end,
                    ]
                    for c in cadres
                ],
                form=form,
                form_key="cadre",
                form_title="登记驻村干部",
            )
        ],
        crumbs=[("驻村工作队", reverse("people:teams"))],
    )


@staff_view(model=m.Cadre)
def cadre_detail(request, cadre):
    _refuse_read_only(request)
    user, today = request.user, _today()
    village = cadre.team.village
    write = can_write(user)
    specs = {
        "log": (f.LogForm, {}),
        "household": (f.CadreHouseholdForm, {"village": village}),
        "training": (f.TrainingForm, {}),
        "assessment": (f.AssessmentForm, {}),
    }
    forms = {k: _bind(request, k, cls, user=user, **kw) if write else None for k, (cls, kw) in specs.items()}
    for form in forms.values():

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
        request,
        title=str(cadre),
        subtitle=village.full_name(),
        links=[("修改", reverse("people:cadre_edit", args=[cadre.pk]))] if write else [],
        facts=[
            ("原单位", cadre.home_unit),
            ("联系电话", cadre.phone),
            ("驻村日期", cadre.start),
            ("离村日期", cadre.end),
            (
                "本年在村天数",
                f"{d.days}天（截至今日应不少于{d.required}天）" + ("，不足" if d.below else "") if d else "—",
            ),
        ],
        sections=[
            Section(
                "工作日志（最近60条）",
                ["日期", "在村", "工作内容"],
                [[x.date, x.in_village, x.content] for x in logs],
                form=forms["log"],
                form_key="log",
                form_title="记工作日志",
            ),
            Section(
                "帮扶户",
                ["户编号", "户主", "脱贫户"],
                [
                    [h.household.number, h.household.head_name, h.household.formerly_poor]
                    for h in cadre.households.select_related("household")
                ],
                form=forms["household"],
                form_key="household",
                form_title="添加帮扶户",
            ),
            Section(
                "参加培训",
                ["日期", "培训内容", "学时"],
                [[t.date, t.title, t.hours] for t in cadre.trainings.all()],
                form=forms["training"],
                form_key="training",
                form_title="登记培训",
            ),
            Section(
                "年度考核",
                ["年度", "结果", "说明"],
                [[str(a.year), a.get_result_display(), a.note] for a in cadre.assessments.all()],
                form=forms["assessment"],
                form_key="assessment",
                form_title="登记年度考核",
            ),
        ],
        crumbs=[
            ("驻村工作队", reverse("people:teams")),
            (str(cadre.team.unit), reverse("people:team", args=[cadre.team_id])),
        ],
    )


@staff_view(page="people.home")
def cadre_days(request):
    today, region = _today(), scope.region_param(request)
    rows = selectors.cadre_days(scope.within(scope.scoped(request.user, m.Cadre), region), today.year, today)
    only_below = request.GET.get("below") == "1"
    table = Section(
        "驻村干部在村天数",
        ["村", "姓名", "职务", "派出单位", "本年在村天数", "截至今日应在村天数", "判断"],
        [
            [
                r.cadre.team.village.display_name,
                Cell(r.cadre.name, url=reverse("people:cadre", args=[r.cadre.pk])),
                r.cadre.get_position_display(),
                r.cadre.team.unit,
                r.days,
                r.required,
                Cell("不足", badge="预警", badge_class="warn") if r.below else "达标",
            ]
            for r in rows
            if r.below or not only_below
        ],
        note="应在村天数 = 县定每年天数 × 本年在岗天数 ÷ 全年天数（向下取整）。",
    )
    if wants_xlsx(request):
        return xlsx_response(request, title="驻村干部在村天数", sections=[table], filename="驻村天数", region=region)
    return render_page(
        request,
        title="驻村干部在村天数",
        sections=[table],
        export=True,
        region_filter=region,
        filters=[("below", "范围", [("", "全部"), ("1", "仅不足")], "1" if only_below else "")],
        crumbs=[("驻村工作队", reverse("people:teams"))],
    )
