"""Ledger pages: rectification ledgers."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone

from zhenxing import workflow as engine
from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.exports import export_response
from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages
from zhenxing.lib.pagination import count_capped

from .. import forms, selectors, services, workflow, xlsx
from ..models import EscalationRule, ItemStatus, RectificationItem, RectificationType, Unit
from ..services.bulk import items_bulk
from .base import PAGE, _as_of, _form_messages, _int


def _bulk(request) -> None:
    """批量交办 / 催办 from the list page: each ticked item done or refused on its own; the refusals
    are listed by item."""
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    items, refused = engine.scoped_records(request.user, RectificationItem, ids)
    unit = scope.choices(request.user, Unit).filter(pk=_int(request.POST.get("unit"))).first()
    try:
        result = items_bulk(
            actor=request.user,
            items=items,
            action=request.POST.get("bulk_action", ""),
            unit=unit,
            person=request.POST.get("person", ""),
            note=request.POST.get("note", ""),
            refused=refused,
        )
    except ValidationError as exc:
        service_errors_to_messages(request, exc)
        return
    messages.success(request, f"已办理 {len(result['done'])} 条")
    for pk, why in result["refused"].items():
        messages.warning(request, f"事项 {pk} 未办理：{why}")


@staff_view(page="ledger.items")
def item_list(request):
    user = request.user
    if request.method == "POST":
        scope.require_write(user, None, "ledger.item.bulk")
        _bulk(request)
        return redirect(f"{request.path}?{request.GET.urlencode()}")
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
    qs = selectors.items(
        user,
        region=region,
        type_code=type_code,
        status=status,
        overdue=overdue,
        due_by=due_by,
        as_of=timezone.localdate(),
    )
    base = selectors.items(user, type_code=type_code)
    summary, total = selectors.item_summary(base, node, as_of)
    count, capped = count_capped(qs)
    before = _int(request.GET.get("before"))
    page_qs = qs.order_by("-id")
    if before:
        page_qs = page_qs.filter(id__lt=before)
    page = list(page_qs[:PAGE])
    today = timezone.localdate()
    return render(
        request,
        "ledger/items.html",
        {
            "items": [(i, i.is_overdue(today)) for i in page],
            "next_before": page[-1].pk if len(page) == PAGE else None,
            "types": RectificationType.objects.all(),
            "statuses": ItemStatus.choices,
            "type_code": type_code,
            "status": status,
            "overdue": overdue,
            "region": region,
            "node": node,
            "summary": summary,
            "total": total,
            "count": count,
            "capped": capped,
            "as_of": as_of,
            "can_open": not user.is_read_only,
            "can_bulk": scope.can_write(user, None, "ledger.item.bulk"),
            "units": forms.unit_choices(user) if scope.can_write(user, None, "ledger.item.bulk") else [],
        },
    )


@staff_view()
def item_export(request):
    user = request.user
    region = scope.region_param(request)
    today = timezone.localdate()
    qs = selectors.items(
        user,
        region=region,
        type_code=request.GET.get("type", ""),
        status=request.GET.get("status", ""),
        overdue=request.GET.get("overdue") == "1",
        as_of=today,
    ).order_by("type_id", "region__path", "found_on", "id")
    ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()]
    if ids:  # 导出所选 (the list page's bulk form): only the ticked items, within the scope
        qs = qs.filter(pk__in=ids)
    node = region or user.region
    sheet = xlsx.items_sheet(qs, title=f"{node.name}排查整改台账", unit=node.name, as_of=today)
    return export_response(
        request,
        sheet,
        filename=f"{node.name}排查整改台账.xlsx",
        audit_extra={"format": "xlsx", "what": "rectification_items", "region": node.code},
    )


@staff_view()
def item_new(request):
    user = request.user
    if user.is_read_only:
        raise PermissionDenied("督查账户为只读账户")
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
                    actor=user,
                    type=d["type"],
                    region=d["region"],
                    household=household,
                    problem=d["problem"],
                    source=d["source"],
                    source_label=d["source_label"],
                    found_on=d["found_on"],
                    deadline=d["deadline"],
                    responsible_unit=d["responsible_unit"],
                    responsible_person=d["responsible_person"],
                    measures=d["measures"],
                )
            except ValidationError as exc:
                service_errors_to_form(form, exc, request=request)
            else:
                messages.success(request, "整改事项已登记。")
                return redirect("ledger:item", pk=item.pk)
    return render(request, "ledger/item_new.html", {"form": form})


@staff_view(model=RectificationItem)
def item_detail(request, item):
    user = request.user
    if request.method == "POST":
        if user.is_read_only:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action in workflow.ITEM_TRANSITIONS:
                f = forms.ItemActionForm(request.POST, request.FILES)
                if f.is_valid():
                    d = f.cleaned_data
                    services.item_transition(
                        actor=user,
                        item=item,
                        action=action,
                        note=d["note"],
                        evidence=d["evidence"],
                        evidence_file=d["evidence_file"],
                        on=d["on"],
                        expected_version=_int(request.POST.get("version")),
                    )
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
                services.item_update(
                    actor=user,
                    item=item,
                    measures=request.POST.get("measures", ""),
                    responsible_person=request.POST.get("responsible_person", ""),
                    responsible_unit=unit,
                )
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
            service_errors_to_messages(request, exc)
        return redirect("ledger:item", pk=item.pk)
    today = timezone.localdate()
    proposal = services.escalation_next(item, today)
    return render(
        request,
        "ledger/item.html",
        {
            "item": item,
            "overdue_days": item.overdue_days(today),
            "events": item.events.select_related("actor"),
            "decisions": item.decisions.select_related("rule", "unit", "decided_by"),
            "transitions": workflow.allowed(workflow.ITEM_TRANSITIONS, user, item),
            "requirements": workflow.item_requirements(item) if not user.is_read_only else [],
            "can_recheck": item.status == ItemStatus.CLOSED
            and not user.is_read_only
            and workflow.is_checker(user, item),
            "can_edit": not user.is_read_only
            and item.status != ItemStatus.CLOSED
            and (workflow.is_handler(user, item) or workflow.is_checker(user, item)),
            "proposal": proposal,
            "can_decide": proposal is not None and scope.can_write(user, None, "ledger.escalation.decide"),
            "decision_form": forms.DecisionForm(user=user, initial={"unit": item.responsible_unit}),
            "action_form": forms.ItemActionForm(),
            "units": forms.unit_choices(user),
        },
    )


@staff_view()
def type_list(request):
    form = forms.TypeForm(request.POST or None)
    if request.method == "POST":
        scope.require_write(request.user, None, "ledger.type.create")
        if form.is_valid():
            try:
                services.rectification_type_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc, request=request)
            else:
                messages.success(request, "台账类型已新增。")
                return redirect("ledger:types")
    services.types_ensure()
    types = RectificationType.objects.annotate(n=Count("items"))
    return render(
        request,
        "ledger/types.html",
        {"types": types, "form": form, "is_admin": scope.can_write(request.user, None, "ledger.type.create")},
    )
