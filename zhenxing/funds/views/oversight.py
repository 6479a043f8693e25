"""Funds pages: leakage findings (资金监管) and disclosures (公告公示)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.exports import export_response
from zhenxing.lib.forms import service_errors_to_messages
from zhenxing.lib.xlsx import dated_title

from .. import leakage, services
from ..forms import PublishForm
from ..models import Disclosure, LeakageFinding


@staff_view()
def leakage_list(request):
    if request.method == "POST":
        try:
            result = leakage.leakage_run(actor=request.user)
        except PermissionDenied as exc:
            raise exc
        messages.success(
            request, f"检查完成：发现疑点 {result.total} 条，其中新增 {result.new} 条，已消除 {result.resolved} 条"
        )
        return redirect("funds:leakage")
    qs = scope.scoped(request.user, LeakageFinding).select_related("project", "household")
    kind = request.GET.get("kind")
    if kind:
        qs = qs.filter(kind=kind)
    if request.GET.get("all") != "1":
        qs = qs.filter(still_present=True)
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename="跑冒滴漏疑点.xlsx",
            title=dated_title(request.user.region, "衔接资金跑冒滴漏疑点清单"),
            audit_extra={"kind": "leakage", "region": getattr(request.user.region, "code", "")},
            columns=["问题类型", "项目编号", "项目名称", "情况", "涉及金额", "处理状态", "首次发现"],
            rows=(
                [
                    str(f.get_kind_display()),
                    f.project.code,
                    f.project.name,
                    f.detail,
                    float(f.amount),
                    str(f.get_status_display()),
                    f.first_found_at.date().isoformat(),
                ]
                for f in qs
            ),
        )
    from ..models import FindingKind

    can_run = scope.can_write(request.user, None, "funds.money.write")
    return render(
        request,
        "funds/leakage.html",
        {"findings": qs[:500], "kinds": FindingKind.choices, "can_run": can_run, "kind": kind},
    )


@staff_view(model=LeakageFinding)
def finding_action(request, finding):
    if request.method != "POST":
        return redirect(f"{reverse('funds:leakage')}")
    try:
        if request.POST.get("action") == "dismiss":
            leakage.finding_dismiss(actor=request.user, finding=finding, reason=request.POST.get("reason", ""))
            messages.success(request, "已标记为核实无问题")
        else:
            leakage.finding_open_rectification(actor=request.user, finding=finding)
            messages.success(request, "已转为整改事项")
    except (ValidationError, PermissionDenied) as exc:
        service_errors_to_messages(request, exc)
    return redirect("funds:leakage")


@staff_view()
def disclosure_list(request):
    can_publish = scope.can_write(request.user, None, "funds.disclosure.publish")
    form = PublishForm(request.POST or None, user=request.user) if can_publish else None
    if request.method == "POST":
        scope.require_write(request.user, None, "funds.disclosure.publish")
        if form.is_valid():
            try:
                d = services.disclosure_publish(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, f"已发布：{d}")
                return redirect("funds:disclosures")
    qs = scope.scoped(request.user, Disclosure).select_related("county", "published_by").defer("content")
    return render(request, "funds/disclosure_list.html", {"disclosures": qs[:200], "form": form})
