"""工作日历 page: every staff member reads it; prefecture and system administrators edit it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.access import staff_view
from zhenxing.lib.forms import service_errors_to_form

from . import forms, services
from .models import HolidayDay, HolidayYear


@staff_view()
def calendar_home(request):
    editor = request.user.role in services.EDITORS
    if request.method == "POST" and not editor:
        raise PermissionDenied("工作日历由地区管理员或系统管理员维护")
    which = request.POST.get("form") if request.method == "POST" else ""
    year_form = forms.YearForm(request.POST if which == "year" else None, prefix="y")
    day_form = forms.DayForm(request.POST if which == "day" else None, prefix="d")
    if which == "year" and year_form.is_valid():
        try:
            row = services.holiday_year_save(actor=request.user, **year_form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(year_form, exc)
        else:
            messages.success(request, f"{row.year}年已录入工作日历。")
            return redirect("calendar:home")
    if which == "day" and day_form.is_valid():
        try:
            row = services.holiday_day_save(actor=request.user, **day_form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(day_form, exc)
        else:
            messages.success(request, f"已保存：{row}")
            return redirect("calendar:home")
    first, last = services.package_years()
    return render(
        request,
        "calendar/home.html",
        {
            "editor": editor,
            "years": HolidayYear.objects.all(),
            "days": HolidayDay.objects.all(),
            "package_first": first,
            "package_last": last,
            "year_form": year_form if editor else None,
            "day_form": day_form if editor else None,
        },
    )


@staff_view()
@require_POST
def day_delete(request, pk: int):
    day = get_object_or_404(HolidayDay, pk=pk)
    services.holiday_day_delete(actor=request.user, day=day)
    messages.success(request, f"已删除：{day}")
    return redirect("calendar:home")
