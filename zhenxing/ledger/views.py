"""Pages of the ledger: thin -- parse, call a service or selector, render."""
from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404 as orm_get_or_404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.accounts.models import Role, User
from zhenxing.core.xlsx import export_response
from zhenxing.regions.models import Region

from . import forms, selectors, services, workflow, xlsx
from .services.assessment import NOT_APPLICABLE_RULE
from .models import (
    Assignment,
    AssessmentResult,
    AssessmentScheme,
    EscalationDecision,
    EscalationRule,
    Inspection,
    ItemStatus,
    Ledger,
    Notice,
    RectificationItem,
    RectificationType,
    SchemeStatus,
    Task,
    TaskKind,
    TaskStatus,
    Unit,
    cn_number,
)

ADMIN = {Role.PREFECTURE_ADMIN}
PAGE = 100


def _errors(request, exc: ValidationError, form=None) -> None:
    if hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            for msg in msgs:
                if form is not None and field in form.fields:
                    form.add_error(field, msg)
                else:
                    messages.error(request, msg)
    else:
        for msg in exc.messages:
            messages.error(request, msg)


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


# ---------------------------------------------------------------- key-task ledger


@staff_view()
def home(request):
    ledger = Ledger.objects.order_by("-year").first()
    if ledger is None:
        return render(request, "ledger/empty.html", {"can_load": request.user.role == Role.PREFECTURE_ADMIN})
    return redirect("ledger:year", year=ledger.year)


@staff_view(roles=ADMIN)
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
        tasks = list(Task.objects.filter(pk__in={a.task_id for a in assignments}).select_related("lead_unit")
                     .prefetch_related("responsible_units", "checklist").order_by("-kind", "number"))
    progress = xlsx.assignment_progress(assignments, as_of)
    own = {a.task_id: a.pk for a in assignments}
    groups: OrderedDict[str, list] = OrderedDict()
    for t in tasks:
        key = (f"（{cn_number(t.section)}）{ledger.section_title(t.section)}" if t.kind == TaskKind.TASK
               else xlsx.MECHANISM_HEADING)
        if t.pk in visible:
            link = reverse("ledger:task", args=[t.pk])
        else:
            link = reverse("ledger:assignment", args=[own[t.pk]])
        groups.setdefault(key, []).append((t, progress.get(t.pk, ""), link))
    return {"ledger": ledger, "groups": groups, "tasks": tasks, "assignments": assignments, "as_of": as_of,
            "years": Ledger.objects.order_by("-year").values_list("year", flat=True),
            "is_admin": request.user.role == Role.PREFECTURE_ADMIN}


@staff_view()
def year(request, year: int):
    return render(request, "ledger/year.html", _year_context(request, year))


@staff_view()
def year_print(request, year: int):
    ctx = _year_context(request, year)
    ctx["unit"] = request.user.region.name
    return render(request, "ledger/print.html", ctx)


@staff_view()
def year_export(request, year: int):
    ctx = _year_context(request, year)
    ledger = ctx["ledger"]
    link = getattr(request.user, "ledger_unit", None)
    unit_name = link.unit.name if link is not None else request.user.region.name
    sheet = xlsx.ledger_sheet(ledger, ctx["tasks"], xlsx.assignment_progress(ctx["assignments"], ctx["as_of"]),
                              unit_name)
    return export_response(request, sheet, filename=f"{ledger.year}年重点任务台账.xlsx", obj=ledger,
                           audit_extra={"format": "xlsx", "tasks": len(ctx["tasks"])}, rows_key=None)


@staff_view(roles=ADMIN)
@require_POST
def year_copy(request, year: int):
    source = orm_get_or_404(Ledger, year=year)
    try:
        target = int(request.POST.get("target") or year + 1)
        ledger = services.ledger_copy(actor=request.user, source=source, year=target)
    except (ValidationError, ValueError) as exc:
        _errors(request, exc if isinstance(exc, ValidationError) else ValidationError("年度无效"))
        return redirect("ledger:year", year=year)
    messages.success(request, f"已由{year}年度复制生成{ledger.year}年度台账，请逐项确认分工和时限。")
    return redirect("ledger:year", year=ledger.year)


@staff_view(roles=ADMIN)
def ledger_import(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = xlsx.read_rows(form.cleaned_data["file"].read())
        except Exception:  # any unreadable upload is reported, never a stack trace
            form.add_error("file", "文件无法读取，请上传 .xlsx 格式的台账")
        else:
            parsed = xlsx.parse_ledger(rows, year=form.cleaned_data["year"])
            errors = parsed.errors
            if parsed.data is not None:
                try:
                    ledger = services.ledger_build(actor=request.user, data=parsed.data)
                except ValidationError as exc:
                    _errors(request, exc, form)
                else:
                    messages.success(request, f"已导入{ledger.year}年度台账：{len(parsed.data['tasks'])}项任务。")
                    return redirect("ledger:year", year=ledger.year)
    return render(request, "ledger/import.html", {"form": form, "errors": errors})


@staff_view(model=Task)
def task_detail(request, task):
    form = forms.TaskAssignForm(request.POST or None, user=request.user, initial={
        "lead_unit": task.lead_unit, "responsible_units": list(task.responsible_units.all()),
        "deadline": task.deadline, "rhythm": task.rhythm})
    ms_form = forms.MilestoneForm(None)
    edit_form = forms.TaskEditForm(initial={"title": task.title,
                                            "measures": "\n".join(c.text for c in task.checklist.all())})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "edit":
                edit_form = forms.TaskEditForm(request.POST)
                if edit_form.is_valid():
                    services.task_edit(actor=request.user, task=task, title=edit_form.cleaned_data["title"],
                                       measures=edit_form.cleaned_data["measures"].splitlines())
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
                services.task_assign(actor=request.user, task=task, lead_unit=d["lead_unit"],
                                     responsible_units=d["responsible_units"], deadline=d["deadline"],
                                     rhythm=d["rhythm"])
                messages.success(request, "任务分工已确认。")
                return redirect("ledger:task", pk=task.pk)
        except ValidationError as exc:
            _errors(request, exc, form)
    as_of = timezone.localdate()
    assignments = selectors.assignments(request.user).filter(task=task)
    return render(request, "ledger/task.html", {
        "task": task, "form": form, "ms_form": ms_form, "edit_form": edit_form, "as_of": as_of,
        "assignments": [(a, a.status_label(as_of)) for a in assignments],
        "can_assign": request.user.role == Role.PREFECTURE_ADMIN, "can_milestone": workflow.is_lead(request.user, task)
        and scope.can_write(request.user, None, "ledger.write")})


@staff_view()
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
    return render(request, "ledger/assignments.html", {"rows": rows, "statuses": TaskStatus.choices,
                                                       "status": status, "region": region, "ledger": ledger})


@staff_view(model=Assignment)
def assignment_detail(request, a):
    user = request.user
    task = a.task
    if request.method == "POST":
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
                    services.evidence_set(actor=user, assignment=a, item=item, text=f.cleaned_data["text"],
                                          attachment=f.cleaned_data["attachment"])
                    messages.success(request, f"第{item.number}项佐证已保存。")
                else:
                    _form_messages(request, f)
            elif action in workflow.TASK_TRANSITIONS:
                services.assignment_transition(actor=user, assignment=a, action=action,
                                               reason=request.POST.get("reason", ""),
                                               expected_version=_int(request.POST.get("version")))
                messages.success(request, f"已{workflow.TASK_TRANSITIONS[action].label}。")
            else:
                messages.error(request, "未知操作")
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("ledger:assignment", pk=a.pk)
    as_of = timezone.localdate()
    evidence = {e.item_id: e for e in a.evidence.all()}
    checklist = [(c, evidence.get(c.pk)) for c in task.checklist.all()]
    return render(request, "ledger/assignment.html", {
        "a": a, "task": task, "as_of": as_of, "status_label": a.status_label(as_of),
        "overdue_days": a.overdue_days(as_of), "checklist": checklist,
        "reports": a.reports.select_related("reporter", "unit"), "events": a.events.select_related("actor"),
        "milestones": task.milestones.all(), "transitions": workflow.allowed(workflow.TASK_TRANSITIONS, user, a),
        "can_write": scope.can_write(user, None, "ledger.write") and workflow.is_owner(user, a),
        "commit_form": forms.CommitForm(user=user, initial={"owner_unit": a.owner_unit, "owner_person": a.owner_person,
                                                            "commitment": a.commitment}),
        "report_form": forms.ReportForm(), "missing": services.missing_evidence(a)})


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _form_messages(request, form) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else e)


# ---------------------------------------------------------------- rectification


@staff_view()
def item_list(request):
    user = request.user
    as_of = _as_of(request)
    region = scope.region_param(request)
    node = region or user.region
    type_code = request.GET.get("type", "")
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    due_by = None
    if request.GET.get("due_by"):
        try:
            due_by = dt.date.fromisoformat(request.GET["due_by"])
        except ValueError:
            due_by = None
    qs = selectors.items(user, region=region, type_code=type_code, status=status, overdue=overdue, due_by=due_by,
                         as_of=timezone.localdate())
    base = selectors.items(user, type_code=type_code)
    summary, total = selectors.item_summary(base, node, as_of)
    before = _int(request.GET.get("before"))
    page_qs = qs.order_by("-id")
    if before:
        page_qs = page_qs.filter(id__lt=before)
    page = list(page_qs[:PAGE])
    today = timezone.localdate()
    return render(request, "ledger/items.html", {
        "items": [(i, i.is_overdue(today)) for i in page], "next_before": page[-1].pk if len(page) == PAGE else None,
        "types": RectificationType.objects.all(), "statuses": ItemStatus.choices, "type_code": type_code,
        "status": status, "overdue": overdue, "region": region, "node": node, "summary": summary, "total": total,
        "as_of": as_of, "can_open": scope.can_write(user, None, "ledger.write")})


@staff_view()
def item_export(request):
    user = request.user
    region = scope.region_param(request)
    today = timezone.localdate()
    qs = (selectors.items(user, region=region, type_code=request.GET.get("type", ""),
                          status=request.GET.get("status", ""), overdue=request.GET.get("overdue") == "1", as_of=today)
          .order_by("type_id", "region__path", "found_on", "id"))
    node = region or user.region
    sheet = xlsx.items_sheet(qs, title=f"{node.name}排查整改台账", unit=node.name, as_of=today)
    return export_response(request, sheet, filename=f"{node.name}排查整改台账.xlsx",
                           audit_extra={"format": "xlsx", "what": "rectification_items", "region": node.code})


@staff_view()
def item_new(request):
    user = request.user
    scope.require_write(user, None, "ledger.write")
    services.types_ensure()
    form = forms.ItemForm(request.POST or None, user=user, initial={"found_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        household = None
        if d["household"]:
            from zhenxing.registry.models import Household

            household = scope.scoped(user, Household).filter(number=d["household"].strip()).first()
            if household is None:
                form.add_error("household", "户编号不存在或不在您的数据权限范围内")
        if form.is_valid():
            try:
                item = services.rectification_item_open(
                    actor=user, type=d["type"], region=d["region"], household=household, problem=d["problem"],
                    source=d["source"], source_label=d["source_label"], found_on=d["found_on"],
                    deadline=d["deadline"], responsible_unit=d["responsible_unit"],
                    responsible_person=d["responsible_person"], measures=d["measures"])
            except ValidationError as exc:
                _errors(request, exc, form)
            else:
                messages.success(request, "整改事项已登记。")
                return redirect("ledger:item", pk=item.pk)
    return render(request, "ledger/item_new.html", {"form": form})


@staff_view(model=RectificationItem)
def item_detail(request, item):
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in workflow.ITEM_TRANSITIONS:
                f = forms.ItemActionForm(request.POST, request.FILES)
                if f.is_valid():
                    d = f.cleaned_data
                    services.item_transition(actor=user, item=item, action=action, note=d["note"],
                                             evidence=d["evidence"], evidence_file=d["evidence_file"],
                                             on=d["on"], expected_version=_int(request.POST.get("version")))
                    messages.success(request, f"已{workflow.ITEM_TRANSITIONS[action].label}。")
                else:
                    _form_messages(request, f)
            elif action == "recheck_pass":
                services.item_recheck_pass(actor=user, item=item, result=request.POST.get("note", ""))
                messages.success(request, "回头看结果已记录。")
            elif action == "update":
                posted = request.POST.get("responsible_unit", "")
                unit = scope.get_choice(user, Unit, pk=_int(posted)) if posted else None
                if posted and unit is None:  # another region's unit reads as unknown: refused, nothing saved
                    raise ValidationError({"responsible_unit": ["所选责任单位不存在或不在您的数据权限范围内"]})
                services.item_update(actor=user, item=item, measures=request.POST.get("measures", ""),
                                     responsible_person=request.POST.get("responsible_person", ""),
                                     responsible_unit=unit)
                messages.success(request, "已保存。")
            elif action == "decide":
                f = forms.DecisionForm(request.POST, request.FILES, user=user)
                rule = EscalationRule.objects.filter(pk=_int(request.POST.get("rule"))).first()
                if f.is_valid() and rule is not None:
                    services.escalation_decide(actor=user, item=item, rule=rule, **f.cleaned_data)
                    messages.success(request, f"“{rule.name}”决定已记录。")
                else:
                    _form_messages(request, f)
            else:
                messages.error(request, "未知操作")
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("ledger:item", pk=item.pk)
    today = timezone.localdate()
    proposal = services.escalation_next(item, today)
    return render(request, "ledger/item.html", {
        "item": item, "overdue_days": item.overdue_days(today), "events": item.events.select_related("actor"),
        "decisions": item.decisions.select_related("rule", "unit", "decided_by"),
        "transitions": workflow.allowed(workflow.ITEM_TRANSITIONS, user, item),
        "can_recheck": (item.status == ItemStatus.CLOSED and scope.can_write(user, None, "ledger.write")
                        and workflow.is_checker(user, item)),
        "can_edit": scope.can_write(user, None, "ledger.write") and item.status != ItemStatus.CLOSED
        and (workflow.is_handler(user, item) or workflow.is_checker(user, item)),
        "proposal": proposal, "can_decide": proposal is not None and user.role == Role.PREFECTURE_ADMIN,
        "decision_form": forms.DecisionForm(user=user, initial={"unit": item.responsible_unit}),
        "action_form": forms.ItemActionForm(), "units": forms.unit_choices(user)})


@staff_view()
def type_list(request):
    form = forms.TypeForm(request.POST or None)
    if request.method == "POST":
        scope.require_write(request.user, None, "ledger.type.create")
        if form.is_valid():
            try:
                services.rectification_type_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc, form)
            else:
                messages.success(request, "台账类型已新增。")
                return redirect("ledger:types")
    services.types_ensure()
    types = RectificationType.objects.annotate(n=Count("items"))
    return render(request, "ledger/types.html", {"types": types, "form": form,
                                                 "is_admin": request.user.role == Role.PREFECTURE_ADMIN})


# ---------------------------------------------------------------- inspection and accountability


@staff_view()
def inspection_list(request):
    user = request.user
    form = forms.InspectionForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            try:
                ins = services.inspection_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc, form)
            else:
                messages.success(request, "督导检查已登记，请录入发现的问题。")
                return redirect("ledger:inspection", pk=ins.pk)
    qs = scope.scoped(user, Inspection).select_related("region", "unit").annotate(n=Count("findings"))
    return render(request, "ledger/inspections.html", {"inspections": qs[:500], "form": form,
                                                       "can_create": scope.can_write(user, None, "ledger.write")})


@staff_view(model=Inspection)
def inspection_detail(request, ins):
    user = request.user
    form = forms.FindingForm(request.POST or None, user=user, inspection=ins)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.inspection_finding_add(actor=user, inspection=ins, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc, form)
            else:
                messages.success(request, "问题已转为整改事项。")
                return redirect("ledger:inspection", pk=ins.pk)
    findings = scope.scoped(user, RectificationItem).filter(inspection=ins).select_related("type", "region")
    today = timezone.localdate()
    return render(request, "ledger/inspection.html", {"ins": ins, "form": form,
                                                      "can_add": scope.can_write(user, None, "ledger.write"),
                                                      "findings": [(f, f.is_overdue(today)) for f in findings]})


@staff_view()
def escalation_list(request):
    if request.method == "POST":
        scope.require_write(request.user, None, "ledger.escalation.rule")
        rule = orm_get_or_404(EscalationRule, pk=_int(request.POST.get("rule")))
        try:
            services.escalation_rule_update(actor=request.user, rule=rule,
                                            min_overdue_days=_int(request.POST.get("min_overdue_days")),
                                            min_failed_checks=_int(request.POST.get("min_failed_checks")))
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"“{rule.name}”的条件已更新。")
        return redirect("ledger:escalations")
    as_of = timezone.localdate()
    proposals = selectors.escalation_proposals(request.user, as_of)
    decisions = scope.scoped(request.user, EscalationDecision).select_related(
        "rule", "item", "item__type", "item__region", "unit")[:200]
    return render(request, "ledger/escalations.html", {
        "proposals": [(i, r, i.overdue_days(as_of)) for i, r in proposals], "decisions": decisions,
        "rules": EscalationRule.objects.all(), "is_admin": request.user.role == Role.PREFECTURE_ADMIN})


@staff_view()
def unit_list(request):
    user = request.user
    form = forms.UnitForm(request.POST or None, user=user)
    if request.method == "POST":
        scope.require_write(user, None, "ledger.unit.manage")
        if form.is_valid():
            try:
                services.unit_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc, form)
            else:
                messages.success(request, "单位已新增。")
                return redirect("ledger:units")
    units = (scope.scoped(user, Unit).select_related("region")
             .annotate(n_led=Count("led_tasks", distinct=True), n_items=Count("items", distinct=True),
                       n_decisions=Count("decisions", distinct=True)))
    return render(request, "ledger/units.html", {"units": units, "form": form,
                                                 "is_admin": user.role == Role.PREFECTURE_ADMIN})


@staff_view(model=Unit)
def unit_detail(request, unit):
    user = request.user
    if request.method == "POST":
        scope.require_write(user, None, "ledger.unit.member")
        member = scope.scoped(user, User).filter(username=request.POST.get("username", "").strip()).first()
        if member is None:
            messages.error(request, "账户不存在或不在您的数据权限范围内")
        else:
            try:
                services.unit_member_set(actor=user, unit=unit, user=member)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, f"{member} 已加入{unit.name}。")
        return redirect("ledger:unit", pk=unit.pk)
    record = selectors.unit_record(unit)
    visible_items = scope.scoped(user, RectificationItem).filter(responsible_unit=unit).select_related("type", "region")
    today = timezone.localdate()
    return render(request, "ledger/unit.html", {
        "unit": unit, "members": unit.members.select_related("user"), "led": record["led"][:100],
        "shared": record["shared"][:100], "items": [(i, i.is_overdue(today)) for i in visible_items[:200]],
        "decisions": scope.scoped(user, EscalationDecision).filter(unit=unit).select_related("rule", "item"),
        "inspections": scope.scoped(user, Inspection).filter(unit=unit),
        "is_admin": user.role == Role.PREFECTURE_ADMIN})


# ---------------------------------------------------------------- assessment


@staff_view()
def assessment_list(request):
    user = request.user
    form = forms.SchemeForm(request.POST or None)
    if request.method == "POST":
        scope.require_write(user, None, "ledger.assessment.manage")
        if form.is_valid():
            try:
                scheme = services.scheme_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc, form)
            else:
                return redirect("ledger:assessment", pk=scheme.pk)
    schemes = scope.scoped(user, AssessmentScheme)
    results = scope.scoped(user, AssessmentResult).filter(scheme__status=SchemeStatus.PUBLISHED).select_related(
        "scheme", "county")
    return render(request, "ledger/assessments.html", {"schemes": schemes, "results": results, "form": form,
                                                       "is_admin": user.role == Role.PREFECTURE_ADMIN})


@staff_view(model=AssessmentScheme)
def assessment_detail(request, scheme):
    user = request.user
    if request.method == "POST":
        scope.require_write(user, None, "ledger.assessment.manage")
        action = request.POST.get("action", "")
        try:
            if action == "indicator":
                f = forms.IndicatorForm(request.POST)
                if f.is_valid():
                    services.scheme_indicator_add(actor=user, scheme=scheme, **f.cleaned_data)
                    messages.success(request, "指标已添加。")
                else:
                    _form_messages(request, f)
            elif action == "run":
                services.scheme_run(actor=user, scheme=scheme)
                messages.success(request, "已按数据截止日期计算，请审核评审指标并打分。")
            elif action == "score":
                f = forms.ScoreForm(request.POST, request.FILES)
                if f.is_valid():
                    d = f.cleaned_data
                    county = orm_get_or_404(Region, pk=d["county"], parent=scheme.region)
                    ind = orm_get_or_404(scheme.indicators, pk=d["indicator"])
                    services.score_enter(actor=user, scheme=scheme, county=county, indicator=ind, score=d["score"],
                                         evidence=d["evidence"], evidence_file=d["evidence_file"])
                    messages.success(request, "评审得分已保存。")
                else:
                    _form_messages(request, f)
            elif action == "publish":
                services.scheme_publish(actor=user, scheme=scheme)
                messages.success(request, "考核结果已发布并冻结。")
            else:
                messages.error(request, "未知操作")
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("ledger:assessment", pk=scheme.pk)
    indicators = list(scheme.indicators.all())
    results = list(scheme.results.select_related("county").prefetch_related("scores"))
    table = []
    for r in results:
        scores = {s.indicator_id: s for s in r.scores.all()}
        table.append((r, [(ind, scores.get(ind.pk)) for ind in indicators]))
    total_weight = sum((i.weight for i in indicators), 0)
    return render(request, "ledger/assessment.html", {
        "scheme": scheme, "indicators": indicators, "table": table, "total_weight": total_weight,
        "is_admin": user.role == Role.PREFECTURE_ADMIN, "editable": scheme.status != SchemeStatus.PUBLISHED,
        "indicator_form": forms.IndicatorForm(), "rule": NOT_APPLICABLE_RULE})


@staff_view(model=AssessmentScheme, url_kwarg="pk")
def assessment_export(request, scheme):
    indicators = list(scheme.indicators.all())
    results = list(scheme.results.select_related("county").prefetch_related("scores").order_by("rank", "county__code"))
    return export_response(request, xlsx.assessment_sheet(scheme, indicators, results), filename=f"{scheme.title}.xlsx",
                           obj=scheme, audit_extra={"format": "xlsx"}, rows_key=None)


@staff_view(model=AssessmentResult)
def result_detail(request, result):
    # Before publication a county sees its computed figures to check them (marked 未发布).
    scores = result.scores.select_related("indicator", "entered_by").order_by("indicator__order")
    computed_weight = sum((i.weight for i in result.scheme.indicators.all() if i.computed), 0)
    return render(request, "ledger/result.html", {"result": result, "scheme": result.scheme, "scores": scores,
                                                  "rule": NOT_APPLICABLE_RULE, "computed_weight": computed_weight})


# ---------------------------------------------------------------- notices


@staff_view()
def notice_list(request):
    if request.method == "POST":
        services.notice_mark_read(actor=request.user)
        return redirect("ledger:notices")
    qs = Notice.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    before = _int(request.GET.get("before"))
    if before:
        qs = qs.filter(id__lt=before)
    page = list(qs.order_by("-id")[:PAGE])
    return render(request, "ledger/notices.html", {
        "notices": page, "next_before": page[-1].pk if len(page) == PAGE else None,
        "unread": Notice.objects.filter(recipient=request.user, read_at__isnull=True).count()})


@staff_view()
def notice_open(request, pk: int):
    notice = Notice.objects.filter(recipient=request.user, pk=pk).first()
    if notice is None:
        raise Http404("通知不存在")
    services.notice_mark_read(actor=request.user, notice=notice)
    return redirect(notice.url or "ledger:notices")

