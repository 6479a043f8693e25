"""Funds pages: projects (项目库): list and export, declaration, detail, edits, transitions,
payments and beneficiaries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.exports import export_response
from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages
from zhenxing.lib.pagination import count_capped, keyset_slice
from zhenxing.lib.xlsx import dated_title
from zhenxing.registry.models import Household

from .. import lifecycle, selectors, services, workflow
from ..forms import BeneficiaryForm, FilterForm, PaymentForm, ProjectEditForm, ProjectForm, TransitionForm
from ..models import LeakageFinding, Project


@staff_view(page="funds.projects")
def project_list(request):
    form = FilterForm(request.GET or None)
    qs = selectors.projects(request.user).order_by("-year", "code")
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(name__contains=d["q"]) | Q(code__contains=d["q"]))
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["type"]:
            qs = qs.filter(type=d["type"])
        if d["year"]:
            qs = qs.filter(year=d["year"])
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename="项目库.xlsx",
            title=dated_title(request.user.region, "巩固衔接项目库"),
            audit_extra={"kind": "projects", "region": getattr(request.user.region, "code", "")},
            columns=PROJECT_EXPORT_COLUMNS,
            rows=(project_row(p) for p in qs[:50000]),
        )
    # keyset on (year desc, code) through funds_project_year_code; the count stops at the cap
    page, next_cursor = keyset_slice(qs, order=("-year", "code"), cursor=request.GET.get("cursor", ""), size=50)
    count, capped = count_capped(qs)
    can_declare = scope.can_write(request.user, None, "funds.project.declare")
    return render(
        request,
        "funds/project_list.html",
        {
            "form": form,
            "page": page,
            "next_cursor": next_cursor,
            "count": count,
            "capped": capped,
            "can_declare": can_declare,
        },
    )


PROJECT_EXPORT_COLUMNS = [
    "项目编号",
    "项目名称",
    "项目类型",
    "建设性质",
    "县",
    "村",
    "入库年度",
    "计划年度",
    "计划开工",
    "计划完工",
    "责任单位",
    "建设任务",
    "概算投资",
    "资金来源",
    "计划受益户数",
    "计划受益人数",
    "绩效目标",
    "利益联结机制",
    "状态",
    "已安排资金",
    "已支付",
]


def project_row(p: Project) -> list:
    return [
        p.code,
        p.name,
        str(p.get_type_display()),
        str(p.get_build_type_display() or ""),
        p.county.name,
        p.village.name,
        p.year,
        p.plan_year or "",
        str(p.start_planned or ""),
        str(p.end_planned or ""),
        p.responsible_unit,
        p.tasks,
        float(p.budget),
        p.funding_sources,
        p.planned_households,
        p.planned_people,
        p.performance_targets,
        p.benefit_mechanism,
        str(p.get_status_display()),
        float(p.assigned_total),
        float(p.paid_total),
    ]


@staff_view(write="funds.project.declare")
def project_new(request):
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            p = services.project_create(
                actor=request.user,
                village=data.pop("village"),
                code=data.pop("code"),
                **{k: v for k, v in data.items() if v is not None},
            )
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, f"项目 {p.code} 已申报")
            return redirect("funds:project", pk=p.pk)
    return render(request, "funds/project_form.html", {"form": form})


@staff_view(model=Project, page="funds.projects")
def project_detail(request, project):
    steps = [
        (t, TransitionForm(initial={"to": t.target, "version": project.version}, step=t))
        for t in workflow.available(project, request.user)
    ]
    missing = lifecycle.missing_fields(project)
    counts = selectors.beneficiary_counts(Project.objects.filter(pk=project.pk)).get(project.pk, {})
    money_role = scope.can_write(request.user, None, "funds.money.write")
    return render(
        request,
        "funds/project_detail.html",
        {
            "p": project,
            "steps": steps,
            "requirements": workflow.requirements(project) if steps else [],
            "missing": missing,
            "counts": counts,
            "next": workflow.next_step(project.status),
            "transitions": project.transitions.select_related("actor"),
            "assignments": project.assignments.select_related("allocation"),
            "payments": project.payments.all()[:100],
            "payment_count": project.payments.count(),
            "beneficiaries": project.beneficiaries.select_related("household__village"),
            "findings": scope.scoped(request.user, LeakageFinding).filter(project=project),
            "assets": project.assets.all(),
            "payment_form": PaymentForm() if money_role else None,
            "can_edit": scope.can_write(request.user, project, "funds.project.declare")
            and project.status in services.EDITABLE_STATUSES,
            "beneficiary_form": BeneficiaryForm()
            if scope.can_write(request.user, project, "funds.project.declare")
            else None,
        },
    )


@staff_view(model=Project, write="funds.project.declare")
def project_edit(request, project):
    """修改项目信息: only while the project is editable (before county approval); the service decides."""
    if project.status not in services.EDITABLE_STATUSES and request.method != "POST":
        messages.error(request, "项目已审定入库，信息已锁定，不能修改")
        return redirect("funds:project", pk=project.pk)
    form = ProjectEditForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in services.PROJECT_FIELDS}
        project.refresh_from_db()  # the form wrote its values onto the instance; the service sets them itself
        try:
            services.project_update(actor=request.user, project=project, **fields)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"项目 {project.code} 信息已修改")
            return redirect("funds:project", pk=project.pk)
    return render(request, "funds/project_edit.html", {"form": form, "p": project})


@staff_view(model=Project)
def project_transition(request, project):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写日期和依据")
        return redirect("funds:project", pk=project.pk)
    d = form.cleaned_data
    try:
        services.project_transition(
            actor=request.user,
            project=project,
            to=d["to"],
            date=d["date"],
            evidence=d["evidence"],
            note=d["note"],
            expected_version=d["version"],
        )
    except (ValidationError, PermissionDenied) as exc:
        service_errors_to_messages(request, exc)
    else:
        messages.success(request, "已办理")
    return redirect("funds:project", pk=project.pk)


@staff_view(model=Project)
def project_payment(request, project):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_create(actor=request.user, project=project, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, "支付已登记")
    else:
        messages.error(request, "请完整填写支付信息")
    return redirect("funds:project", pk=project.pk)


@staff_view(model=Project)
def project_beneficiary(request, project):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = BeneficiaryForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        household = scope.scoped(request.user, Household).filter(number=d["household_number"]).first()
        if household is None:
            messages.error(request, f"户编号 {d['household_number']} 不在农户库或不在您的数据权限范围内")
        else:
            try:
                services.beneficiary_add(
                    actor=request.user,
                    project=project,
                    household=household,
                    way=d["way"],
                    year=d["year"],
                    amount=d["amount"],
                )
            except (ValidationError, PermissionDenied) as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, "受益农户已登记")
    return redirect("funds:project", pk=project.pk)
