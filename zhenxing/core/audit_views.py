"""The audit log page (the log itself, its capture and its events are ``zhenxing.audit``)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.shortcuts import render

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.accounts.models import Role
from zhenxing.audit import display as audit_display
from zhenxing.audit.models import ACTION_LABELS, AuditEntry
from zhenxing.lib.pagination import count_capped
from zhenxing.workflow import engine  # noqa: F401 - hands the audit display its state machines

PAGE = 50
AUDIT_READERS = {Role.PREFECTURE_ADMIN, Role.INSPECTOR, Role.SYSTEM_ADMIN}
PAGE_RULES = scope.page_rules(
    {
        "core.audit": scope.PageRule(
            roles=frozenset(AUDIT_READERS), refusal="审计日志仅地区管理员、督查人员和系统管理员查看"
        )
    }
)


def audit_search(
    *,
    user,
    username: str = "",
    model: str = "",
    object_id: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    qs = scope.scoped(user, AuditEntry)
    if username:
        qs = qs.filter(actor_username__iexact=username)
    if model:
        qs = qs.filter(model=model)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="用户名", required=False)
    model = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False)
    action = forms.ChoiceField(
        label="操作",
        required=False,
        choices=[("", "全部")] + [(k, str(v)) for k, v in ACTION_LABELS.items()],
    )
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "全部")] + audit_display.model_choices()


@staff_view(page="core.audit")
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = audit_search(user=request.user, **{k: v for k, v in filters.items() if v})
    count, capped = count_capped(qs)  # exact up to the cap: the log grows without end
    before = request.GET.get("before")  # keyset pagination on id
    if before and before.isdigit():
        qs = qs.filter(id__lt=int(before))
    entries = list(qs.order_by("-id")[: PAGE + 1])
    next_before = entries[PAGE - 1].id if len(entries) > PAGE else None
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            # phones masked like everywhere else for a reader who does not call households
            "entries": audit_display.describe(
                entries[:PAGE], phones_full=scope.may(request.user, "registry.phone.full")
            ),
            "next_before": next_before,
            "count": count,
            "capped": capped,
        },
    )
