"""Funds pages: allocations (资金下达) and the payment export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.exports import export_response
from zhenxing.lib.forms import service_errors_to_messages
from zhenxing.lib.xlsx import dated_title

from .. import services
from ..forms import AllocationForm, AssignmentForm
from ..models import Allocation, Payment


@staff_view()
def allocation_list(request):
    qs = scope.scoped(request.user, Allocation).select_related("county").order_by("-year", "county__code", "issued_on")
    can_add = scope.can_write(request.user, None, "funds.money.write")
    form = AllocationForm(request.POST or None, user=request.user) if can_add else None
    if request.method == "POST":
        scope.require_write(request.user, None, "funds.money.write")
        if form.is_valid():
            try:
                a = services.allocation_create(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, f"资金 {a.document_number} 已登记")
                return redirect("funds:allocation", pk=a.pk)
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename="资金下达.xlsx",
            title=dated_title(request.user.region, "衔接资金下达情况"),
            audit_extra={"kind": "allocations", "region": getattr(request.user.region, "code", "")},
            columns=ALLOCATION_COLUMNS,
            rows=(
                [
                    a.county.name,
                    a.year,
                    str(a.get_source_display()),
                    a.document_number,
                    a.title,
                    str(a.issued_on),
                    float(a.amount),
                    float(a.assigned_total),
                ]
                for a in qs
            ),
        )
    return render(request, "funds/allocation_list.html", {"allocations": qs, "form": form})


ALLOCATION_COLUMNS = ["县", "年度", "资金来源", "文号", "文件标题", "下达日期", "下达金额", "已安排到项目"]


@staff_view(model=Allocation)
def allocation_detail(request, allocation):
    can_assign = scope.can_write(request.user, allocation, "funds.money.write")
    form = AssignmentForm(request.POST or None, user=request.user, allocation=allocation) if can_assign else None
    if request.method == "POST":
        scope.require_write(request.user, allocation, "funds.money.write")
        if form.is_valid():
            try:
                services.assignment_create(actor=request.user, allocation=allocation, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, "资金已安排到项目")
                return redirect("funds:allocation", pk=allocation.pk)
    assignments = allocation.assignments.select_related("project")
    return render(request, "funds/allocation_detail.html", {"a": allocation, "assignments": assignments, "form": form})


@staff_view()
def payment_export(request):
    qs = scope.scoped(request.user, Payment).select_related("project").order_by("project__code", "date", "id")
    year = request.GET.get("year")
    if year and year.isdigit():
        qs = qs.filter(date__year=int(year))
    return export_response(
        request,
        filename="资金支付.xlsx",
        title=dated_title(request.user.region, "衔接资金支付明细"),
        audit_extra={"kind": "payments", "region": getattr(request.user.region, "code", "")},
        columns=["项目编号", "项目名称", "支付日期", "金额", "收款人", "收款人身份证号", "凭证号"],
        rows=(
            [
                p.project.code,
                p.project.name,
                str(p.date),
                float(p.amount),
                p.payee_name,
                p.payee_id_masked,
                p.voucher_number,
            ]
            for p in qs.iterator(chunk_size=5000)
        ),
    )
