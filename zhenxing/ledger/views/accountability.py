"""Ledger pages: inspection and accountability."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404 as orm_get_or_404
from django.shortcuts import redirect, render
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.accounts.models import Role, User
from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages

from .. import forms, selectors, services, workflow
from ..models import EscalationDecision, EscalationRule, Inspection, RectificationItem, Unit
from .base import _int


@staff_view()
def inspection_list(request):
    user = request.user
    form = forms.InspectionForm(request.POST or None, user=user)
    if request.method == "POST":
        if not workflow.may_inspect(user):
            raise PermissionDenied
        if form.is_valid():
            try:
                ins = services.inspection_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc, request=request)
            else:
                messages.success(request, "督导检查已登记，请录入发现的问题。")
                return redirect("ledger:inspection", pk=ins.pk)
    qs = scope.scoped(user, Inspection).select_related("region", "unit").annotate(n=Count("findings"))
    return render(
        request,
        "ledger/inspections.html",
        {"inspections": qs[:500], "form": form, "can_create": workflow.may_inspect(user)},
    )


@staff_view(model=Inspection)
def inspection_detail(request, ins):
    user = request.user
    if request.method == "POST" and "follow_up" in request.POST:
        if not workflow.may_inspect(user):
            raise PermissionDenied
        try:
            services.inspection_follow_up_add(actor=user, inspection=ins, text=request.POST["follow_up"])
        except ValidationError as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, "回访已登记。")
        return redirect("ledger:inspection", pk=ins.pk)
    form = forms.FindingForm(request.POST or None, user=user, inspection=ins)
    if request.method == "POST":
        if not workflow.may_inspect(user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.inspection_finding_add(actor=user, inspection=ins, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc, request=request)
            else:
                messages.success(request, "问题已转为整改事项。")
                return redirect("ledger:inspection", pk=ins.pk)
    findings = scope.scoped(user, RectificationItem).filter(inspection=ins).select_related("type", "region")
    today = timezone.localdate()
    return render(
        request,
        "ledger/inspection.html",
        {
            "ins": ins,
            "form": form,
            "can_add": workflow.may_inspect(user),
            "findings": [(f, f.is_overdue(today)) for f in findings],
        },
    )


@staff_view()
def escalation_list(request):
    if request.method == "POST":
        if request.user.role != Role.PREFECTURE_ADMIN:
            raise PermissionDenied("升级规则由地区制定")
        rule = orm_get_or_404(EscalationRule, pk=_int(request.POST.get("rule")))
        try:
            services.escalation_rule_update(
                actor=request.user,
                rule=rule,
                min_overdue_days=_int(request.POST.get("min_overdue_days")),
                min_failed_checks=_int(request.POST.get("min_failed_checks")),
            )
        except ValidationError as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, f"“{rule.name}”的条件已更新。")
        return redirect("ledger:escalations")
    as_of = timezone.localdate()
    proposals = selectors.escalation_proposals(request.user, as_of)
    decisions = scope.scoped(request.user, EscalationDecision).select_related(
        "rule", "item", "item__type", "item__region", "unit"
    )[:200]
    return render(
        request,
        "ledger/escalations.html",
        {
            "proposals": [(i, r, i.overdue_days(as_of)) for i, r in proposals],
            "decisions": decisions,
            "rules": EscalationRule.objects.all(),
            "is_admin": request.user.role == Role.PREFECTURE_ADMIN,
        },
    )


@staff_view()
def unit_list(request):
    user = request.user
    form = forms.UnitForm(request.POST or None, user=user)
    if request.method == "POST":
        if user.role != Role.PREFECTURE_ADMIN:
            raise PermissionDenied("只有地区管理员可以维护单位")
        if form.is_valid():
            try:
                services.unit_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc, request=request)
            else:
                messages.success(request, "单位已新增。")
                return redirect("ledger:units")
    units = (
        scope.scoped(user, Unit)
        .select_related("region")
        .annotate(
            n_led=Count("led_tasks", distinct=True),
            n_items=Count("items", distinct=True),
            n_decisions=Count("decisions", distinct=True),
        )
    )
    return render(
        request, "ledger/units.html", {"units": units, "form": form, "is_admin": user.role == Role.PREFECTURE_ADMIN}
    )


@staff_view(model=Unit)
def unit_detail(request, unit):
    user = request.user
    if request.method == "POST":
        if user.role != Role.PREFECTURE_ADMIN:
            raise PermissionDenied("只有地区管理员可以指定单位成员")
        member = scope.scoped(user, User).filter(username=request.POST.get("username", "").strip()).first()
        if member is None:
            messages.error(request, "账户不存在或不在您的数据权限范围内")
        else:
            try:
                services.unit_member_set(actor=user, unit=unit, user=member)
            except ValidationError as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, f"{member} 已加入{unit.name}。")
        return redirect("ledger:unit", pk=unit.pk)
    record = selectors.unit_record(unit)
    visible_items = scope.scoped(user, RectificationItem).filter(responsible_unit=unit).select_related("type", "region")
    today = timezone.localdate()
    return render(
        request,
        "ledger/unit.html",
        {
            "unit": unit,
            "members": unit.members.select_related("user"),
            "led": record["led"][:100],
            "shared": record["shared"][:100],
            "items": [(i, i.is_overdue(today)) for i in visible_items[:200]],
            "decisions": scope.scoped(user, EscalationDecision).filter(unit=unit).select_related("rule", "item"),
            "inspections": scope.scoped(user, Inspection).filter(unit=unit),
            "is_admin": user.role == Role.PREFECTURE_ADMIN,
        },
    )
