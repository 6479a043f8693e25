"""Village ledger pages: list system (清单制)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view

from .. import forms as f
from .. import lists, services
from .. import models as m
from ..pages import Cell, Section, render_page, wants_xlsx, xlsx_response
from .base import _bind, _refuse_read_only, _run, _today, _village_choice, can_write


@staff_view(page="people.powers")
def powers(request):
    _refuse_read_only(request)
    user = request.user
    form = _bind(request, "power", f.PowerForm, user=user) if can_write(user, "people.list.write") else None
    if _run(
        request,
        form,
        lambda d: services.ledger_save(actor=user, instance=form.save(commit=False), action="people.list.write"),
        "已添加权力事项",
    ):
        return redirect("people:powers")
    qs = (
        scope.scoped(user, m.Power)
        .select_related("village")
        .order_by("village__path", "number")
        .annotate(
            n_steps=Count("steps", distinct=True),
            n_open=Count("cases", filter=Q(cases__state=m.CaseState.OPEN), distinct=True),
        )
    )
    table = Section(
        "小微权力清单",
        ["村", "序号", "权力事项", "类别", "办理步骤", "办理中"],
        [
            [
                p.village.display_name,
                p.number,
                Cell(p.name, url=reverse("people:power", args=[p.pk])),
                p.get_category_display(),
                p.n_steps,
                p.n_open,
            ]
            for p in qs
        ],
        form=form,
        form_key="power",
        form_title="添加权力事项",
    )
    if wants_xlsx(request):
        return xlsx_response(request, title="小微权力清单", sections=[table], filename="小微权力清单")
    return render_page(
        request,
        title="小微权力清单",
        sections=[table],
        export=True,
        links=[("打印上墙清单", reverse("people:board"))],
        crumbs=[("就业帮扶与乡村治理", reverse("people:home"))],
    )


@staff_view(model=m.Power)
def power_detail(request, power):
    _refuse_read_only(request)
    user = request.user
    write = can_write(user, "people.list.write")
    sform = _bind(request, "step", f.StepForm) if write else None
    cform = _bind(request, "case", f.CaseForm, initial={"opened": _today()}) if write else None
    if _run(request, sform, lambda d: lists.step_append(actor=user, power=power, **d), "已添加步骤") or _run(
        request, cform, lambda d: lists.case_open(actor=user, power=power, **d), "已登记办理事项"
    ):
        return redirect("people:power", power.pk)
    steps = list(power.steps.all())
    cases = power.cases.order_by("-opened", "-id")[:200]
    return render_page(
        request,
        title=f"{power.number}. {power.name}",
        subtitle=power.village.full_name(),
        facts=[("类别", power.get_category_display()), ("依据", power.basis or "—")],
        sections=[
            Section(
                "办理流程",
                ["步骤", "环节", "责任主体", "时限（天）"],
                [[s.order, s.name, s.actor, s.time_limit_days] for s in steps],
                form=sform,
                form_key="step",
                form_title="在流程末尾添加步骤",
            ),
            Section(
                "办理事项",
                ["事项名称", "申请人", "启动日期", "进度", "状态"],
                [
                    [
                        Cell(c.title, url=reverse("people:case", args=[c.pk])),
                        c.applicant,
                        c.opened,
                        f"{c.done_steps}/{len(steps)}",
                        c.get_state_display(),
                    ]
                    for c in cases
                ],
                form=cform,
                form_key="case",
                form_title="登记新的办理事项",
            ),
        ],
        crumbs=[("小微权力清单", reverse("people:powers"))],
    )


@staff_view(model=m.PowerCase)
def case_detail(request, case):
    _refuse_read_only(request)
    user = request.user
    write = can_write(user, "people.list.write")
    nxt = lists.next_step(case)
    rform = (
        _bind(request, "record", f.StepRecordForm, initial={"version": case.version, "done_on": _today()})
        if write and nxt
        else None
    )
    wform = _bind(request, "withdraw", f.ReasonForm) if write and case.state == m.CaseState.OPEN else None
    if _run(
        request,
        rform,
        lambda d: lists.case_step_record(actor=user, case=case, step=nxt, request=request, **d),
        "已记录办理环节",
    ) or _run(
        request,
        wform,
        lambda d: lists.case_withdraw(actor=user, case=case, reason=d["reason"], request=request),
        "已撤回",
    ):
        return redirect("people:case", case.pk)
    done = {r.step_id: r for r in case.records.select_related("recorded_by")}
    rows = []
    for s in case.power.steps.all():
        r = done.get(s.pk)
        rows.append(
            [
                s.order,
                s.name,
                s.actor,
                r.done_by if r else "—",
                r.done_on if r else None,
                r.note if r else "",
                str(r.recorded_by or "") if r else "",
                "已完成" if r else ("下一步" if nxt and s.pk == nxt.pk else "未到"),
            ]
        )
    section = Section(
        "办理环节",
        ["步骤", "环节", "责任主体", "办理人", "办理日期", "办理情况", "登记人", "状态"],
        rows,
        form=rform,
        form_key="record",
        form_title=f"记录第{nxt.order}步「{nxt.name}」" if nxt else "",
    )
    if wform:
        section.extra_forms = [("withdraw", "撤回此事项", wform)]
    return render_page(
        request,
        title=case.title,
        subtitle=f"{case.power.village.full_name()} · {case.power.name}",
        facts=[
            ("申请人或经办人", case.applicant or "—"),
            ("启动日期", case.opened),
            ("状态", case.get_state_display()),
        ],
        sections=[section],
        crumbs=[
            ("小微权力清单", reverse("people:powers")),
            (case.power.name, reverse("people:power", args=[case.power_id])),
        ],
    )


@staff_view(page="people.home")
def board(request):
    """The village's micro-power list as posted on the village board (print view)."""
    village, filters = _village_choice(request)
    powers_qs = (
        scope.scoped(request.user, m.Power).filter(village=village).prefetch_related("steps")
        if village
        else m.Power.objects.none()
    )
    return render(request, "people/board.html", {"village": village, "powers": powers_qs, "filters": filters})
