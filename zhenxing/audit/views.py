from __future__ import annotations

from django import forms
from django.shortcuts import render

from zhenxing.accounts.access import staff_view

from .models import ACTION_LABELS
from .selectors import AUDIT_READERS, audit_search

PAGE = 50


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="用户名", required=False)
    model = forms.CharField(label="对象类型", required=False, help_text="如 registry.household")
    object_id = forms.CharField(label="对象编号", required=False)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部")] + [(k, str(v)) for k, v in ACTION_LABELS.items()])
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


@staff_view(roles=AUDIT_READERS)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = audit_search(user=request.user, **{k: v for k, v in filters.items() if v})
    before = request.GET.get("before")  # keyset pagination on id: the log grows without end
    if before and before.isdigit():
        qs = qs.filter(id__lt=int(before))
    entries = list(qs.order_by("-id")[: PAGE + 1])
    next_before = entries[PAGE - 1].id if len(entries) > PAGE else None
    return render(request, "audit/list.html", {"form": form, "entries": entries[:PAGE], "next_before": next_before})
