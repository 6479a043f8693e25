"""Ledger pages: the key-task ledger."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404 as orm_get_or_404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.exports import export_response
from zhenxing.lib import tabular
from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages

from .. import forms, selectors, services, workflow, xlsx
from ..models import Assignment, Ledger, Task, TaskKind, TaskStatus, cn_number
from .base import _form_messages, _int


@staff_view(page="ledger.tasks")
def home(request):
    ledger = Ledger.objects.order_by("-year").first()
    if ledger is None:
        return render(
            request, "ledger/empty.html", {"can_load": scope.can_write(request.user, None, "ledger.plan.copy")}
        )
    return redirect("ledger:year", year=ledger.year)


@staff_view(write="ledger.plan.copy")
@require_POST
def load_plan(request):
    ledger = services.ledger_load_plan(actor=request.user)
    messages.success(request, f"已载入{ledger.year}年度重点任务台账。")
    return redirect("ledger:year", year=ledger.year)


def _year_context(request, year: int) -> dict:
    ledger = orm_get_or_404(Ledger, year=year)
    as_of = timezone.localdate()
    tasks = list(selectors.tasks(request.user, ledger).prefetch_related("checklist"))
    assignments = list(selectors.assignments(request.user, ledger=ledger))
    visible = {t.pk for t in tasks}
    if not tasks:  # a county sees the tasks behind its assignments (the ledger text is not restricted)
        tasks = list(
            Task.objects.filter(pk__in={a.task_id for a in assignments})
            .select_related("lead_unit")
            .prefetch_related("responsible_units", "checklist")
            .order_by("-kind", "number")
        )
    progress = xlsx.assignment_progress(assignments, as_of)
    own = {a.task_id: a.pk for a in assignments}
    groups: OrderedDict[str, list] = OrderedDict()
    for t in tasks:
        key = (
            f"（{cn_number(t.section)}）{ledger.section_title(t.section)}"
            if t.kind == TaskKind.TASK
            else xlsx.MECHANISM_HEADING
        )
        if t.pk in visible:
            link = reverse("ledger:task", args=[t.pk])
        else:
            link = reverse("ledger:assignment", args=[own[t.pk]])
        groups.setdefault(key, []).append((t, progress.get(t.pk, ""), link))
    return {
        "ledger": ledger,
        "groups": groups,
        "tasks": tasks,
        "assignments": assignments,
        "as_of": as_of,
        "years": Ledger.objects.order_by("-year").values_list("year", flat=True),
        "is_admin": scope.can_write(request.user, None, "ledger.task.edit"),
    }


@staff_view(page="ledger.tasks")
def year(request, year: int):
    return render(request, "ledger/year.html", _year_context(request, year))


@staff_view(page="ledger.tasks")
def year_print(request, year: int):
    ctx = _year_context(request, year)
    ctx["unit"] = request.user.region.name
    return render(request, "ledger/print.html", ctx)


@staff_view(page="ledger.tasks")
def year_export(request, year: int):
    ctx = _year_context(request, year)
    ledger = ctx["ledger"]
    link = getattr(request.user, "ledger_unit", None)
    unit_name = link.unit.name if link is not None else request.user.region.name
    sheet = xlsx.ledger_sheet(
        ledger, ctx["tasks"], xlsx.assignment_progress(ctx["assignments"], ctx["as_of"]), unit_name
    )
    return export_response(
        request,
        sheet,
        filename=f"{ledger.year}年重点任务台账.xlsx",
        obj=ledger,
        audit_extra={"format": "xlsx", "tasks": len(ctx["tasks"])},
        rows_key=None,
    )


@staff_view(write="ledger.plan.copy")
@require_POST
def year_copy(request, year: int):
    source = orm_get_or_404(Ledger, year=year)
    try:
        target = int(request.POST.get("target") or year + 1)
        ledger = services.ledger_copy(actor=request.user, source=source, year=target)
    except (ValidationError, ValueError) as exc:
        service_errors_to_messages(request, exc if isinstance(exc, ValidationError) else ValidationError("年度无效"))
        return redirect("ledger:year", year=year)
    messages.success(request, f"已由{year}年度复制生成{ledger.year}年度台账，请逐项确认分工和时限。")
    return redirect("ledger:year", year=ledger.year)


@staff_view(write="ledger.plan.copy")
def ledger_import(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            tabular.check_size(form.cleaned_data["file"].size)  # before reading it into memory
            rows = xlsx.read_rows(form.cleaned_data["file"].read())
        except tabular.Unreadable as exc:  # past the reader's limits (size, rows, cells) or damaged
            form.add_error("file", str(exc))
        except Exception:  # any unreadable upload is reported, never a stack trace
            form.add_error("file", "文件无法读取，请上传 .xlsx 格式的台账")
        else:
            parsed = xlsx.parse_ledger(rows, year=form.cleaned_data["year"])
            errors = parsed.errors
            if parsed.data is not None:
                try:
                    ledger = services.ledger_build(actor=request.user, data=parsed.data)
                except ValidationError as exc:
                    service_errors_to_form(form, exc, request=request)
                else:
                    messages.success(request, f"已导入{ledger.year}年度台账：{len(parsed.data['tasks'])}项任务。")
                    return redirect("ledger:year", year=ledger.year)
    return render(request, "ledger/import.html", {"form": form, "errors": errors})


@staff_view(model=Task, page="ledger.tasks")
def task_detail(request, task):
    form = forms.TaskAssignForm(
        request.POST or None,
        user=request.user,
        initial={
            "lead_unit": task.lead_unit,
            "responsible_units": list(task.responsible_units.all()),
            "deadline": task.deadline,
            "rhythm": task.rhythm,
        },
    )
    ms_form = forms.MilestoneForm(None)
    edit_form = forms.TaskEditForm(
        initial={"title": task.title, "measures": "\n".join(c.text for c in task.checklist.all())}
    )
    if request.method == "POST":
        if request.user.is_read_only:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "edit":
                edit_form = forms.TaskEditForm(request.POST)
                if edit_form.is_valid():
                    services.task_edit(
                        actor=request.user,
                        task=task,
                        title=edit_form.cleaned_data["title"],
                        measures=edit_form.cleaned_data["measures"].splitlines(),
                    )
                    messages.success(request, "任务已修改。")
                    return redirect("ledger:task", pk=task.pk)
            elif request.POST.get("action") == "milestone":
                ms_form = forms.MilestoneForm(request.POST)
                if ms_form.is_valid():
                    services.milestone_add(actor=request.user, task=task, **ms_form.cleaned_data)
                    messages.success(request, "节点已添加。")
                    return redirect("ledger:task", pk=task.pk)
            elif form.is_valid():
                d = form.cleaned_data
                services.task_assign(
                    actor=request.user,
                    task=task,
                    lead_unit=d["lead_unit"],
                    responsible_units=d["responsible_units"],
                    deadline=d["deadline"],
                    rhythm=d["rhythm"],
                )
                messages.success(request, "任务分工已确认。")
                return redirect("ledger:task", pk=task.pk)
        except ValidationError as exc:
            service_errors_to_form(form, exc, request=request)
    as_of = timezone.localdate()
    assignments = selectors.assignments(request.user).filter(task=task)
    return render(
        request,
        "ledger/task.html",
        {
            "task": task,
            "form": form,
            "ms_form": ms_form,
            "edit_form": edit_form,
            "as_of": as_of,
            "assignments": [(a, a.status_label(as_of)) for a in assignments],
            "can_assign": scope.can_write(request.user, None, "ledger.task.assign"),
            "can_milestone": workflow.is_lead(request.user, task) and not request.user.is_read_only,
        },
    )


@staff_view(page="ledger.tasks")
def assignment_list(request):
    as_of = timezone.localdate()
    ledger = None
    if request.GET.get("year", "").isdigit():
        ledger = Ledger.objects.filter(year=int(request.GET["year"])).first()
    region = scope.region_param(request)
    status = request.GET.get("status", "")
    qs = selectors.assignments(request.user, ledger=ledger, region=region, status=status, as_of=as_of)
    if request.GET.get("report") == "missing":
        qs = qs.filter(pk__in=selectors.reports_missing(request.user, as_of).values("pk"))
    rows = [(a, a.status_label(as_of), a.overdue_days(as_of)) for a in qs[:1000]]
    return render(
        request,
        "ledger/assignments.html",
        {"rows": rows, "statuses": TaskStatus.choices, "status": status, "region": region, "ledger": ledger},
    )


@staff_view(model=Assignment)
def assignment_detail(request, a):
    user = request.user
    task = a.task
    if request.method == "POST":
        if user.is_read_only:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "commit":
                f = forms.CommitForm(request.POST, user=user)
                if f.is_valid():
                    services.assignment_commit(actor=user, assignment=a, **f.cleaned_data)
                    messages.success(request, "承诺已签署。")
                else:
                    _form_messages(request, f)
            elif action == "report":
                f = forms.ReportForm(request.POST, request.FILES)
                if f.is_valid():
                    services.report_add(actor=user, assignment=a, **f.cleaned_data)
                    messages.success(request, "进度已报送。")
                else:
                    _form_messages(request, f)
            elif action == "evidence":
                f = forms.EvidenceForm(request.POST, request.FILES)
                if f.is_valid():
                    item = orm_get_or_404(task.checklist, pk=f.cleaned_data["item"])
                    services.evidence_set(
                        actor=user,
                        assignment=a,
                        item=item,
                        text=f.cleaned_data["text"],
                        attachment=f.cleaned_data["attachment"],
                    )
                    messages.success(request, f"第{item.number}项佐证已保存。")
                else:
                    _form_messages(request, f)
            elif action in workflow.TASK_TRANSITIONS:
                services.assignment_transition(
                    actor=user,
                    assignment=a,
                    action=action,
                    reason=request.POST.get("reason", ""),
                    expected_version=_int(request.POST.get("version")),
                )
                messages.success(request, f"已{workflow.TASK_TRANSITIONS[action].label}。")
            else:
                messages.error(request, "未知操作")
        except ValidationError as exc:
            service_errors_to_messages(request, exc)
        return redirect("ledger:assignment", pk=a.pk)
    as_of = timezone.localdate()
    evidence = {e.item_id: e for e in a.evidence.all()}
    checklist = [(c, evidence.get(c.pk)) for c in task.checklist.all()]
    return render(
        request,
        "ledger/assignment.html",
        {
            "a": a,
            "task": task,
            "as_of": as_of,
            "status_label": a.status_label(as_of),
            "overdue_days": a.overdue_days(as_of),
            "checklist": checklist,
            "reports": a.reports.select_related("reporter", "unit"),
            "events": a.events.select_related("actor"),
            "milestones": task.milestones.all(),
            "transitions": workflow.allowed(workflow.TASK_TRANSITIONS, user, a),
            "can_write": not user.is_read_only and workflow.is_owner(user, a),
            "commit_form": forms.CommitForm(
                user=user,
                initial={"owner_unit": a.owner_unit, "owner_person": a.owner_person, "commitment": a.commitment},
            ),
            "report_form": forms.ReportForm(),
            "missing": services.missing_evidence(a),
        },
    )
