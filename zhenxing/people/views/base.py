"""Village ledger pages: helpers shared by the sections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.lib.forms import service_errors_to_form
from zhenxing.regions.models import Region

from .. import forms as f
from .. import selectors, services
from ..pages import Section, render_page


def can_write(user, action: str = "people.ledger.write") -> bool:
    """Whether to show a write form: the service's own rule (scope.write_rules in services.py)."""
    return scope.can_write(user, None, action)


def _bind(request, key: str, form_cls, **kwargs):
    bound = request.method == "POST" and request.POST.get("form") == key
    return form_cls(request.POST if bound else None, **kwargs)


def _run(request, form, fn: Callable[[dict], object], done: str) -> bool:
    """Validate a bound form and call the service; errors land on the form."""
    if form is None or not form.is_bound:
        return False
    if not form.is_valid():
        return False
    try:
        fn(form.cleaned_data)
    except ValidationError as exc:
        service_errors_to_form(form, exc)
        return False
    messages.success(request, done)
    return True


def _refuse_read_only(request) -> None:
    if request.method == "POST" and request.user.is_read_only:
        raise PermissionDenied("督查账户为只读账户")


def _village_choice(request, qs=None):
    """The village a village-level page shows (?village=code, default the first in scope)."""
    vs = list(qs if qs is not None else selectors.villages(request.user))
    code = request.GET.get("village") or request.POST.get("village_code")
    village = _chosen(vs, code) if code else (vs[0] if vs else None)
    filters = (
        [
            (
                "village",
                "村",
                [(v.code, v.full_name(below=request.user.region) or v.display_name) for v in vs],
                village.code if village else "",
            )
        ]
        if len(vs) > 1
        else []
    )
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
    return (
        "在岗" if start <= today and (end is None or end >= today) else ("已离岗" if end and end < today else "未到岗")
    )


def _today() -> dt.date:
    return timezone.localdate()


def _end(request, record, back: str):
    if request.method != "POST":
        return redirect(back)
    _refuse_read_only(request)
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


def _edit(request, obj, form_cls, *, title: str, back: str, **form_kwargs):
    """Change a ledger record's own fields (its village and people stay as registered)."""
    _refuse_read_only(request)
    user = request.user
    form = _bind(request, "edit", form_cls, user=user, instance=obj, **form_kwargs) if can_write(user) else None
    if form is not None and "village" in form.fields:
        del form.fields["village"]
    if _run(request, form, lambda d: services.ledger_save(actor=user, instance=form.save(commit=False)), "已保存修改"):
        return redirect(back)
    return render_page(
        request,
        title=title,
        subtitle=region_of_display(obj),
        sections=[Section("修改", [], form=form, form_key="edit", form_title="修改信息", empty="您的角色只能查看。")],
        crumbs=[("返回", back)],
    )


def region_of_display(obj) -> str:
    region = services.region_of(obj)
    return region.full_name() if region else ""
