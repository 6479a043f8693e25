"""Funds pages: staff identities, year parameters and import templates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.accounts.models import Role, User
from zhenxing.lib.forms import service_errors_to_messages
from zhenxing.registry.models import Household

from .. import selectors, services
from ..models import StaffIdentity
from .figures import requested_year


@staff_view(roles={Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN})
def staff_identities(request):
    if request.method == "POST":
        user = scope.scoped(request.user, User).filter(username=request.POST.get("username", "")).first()
        household = None
        number = request.POST.get("household_number", "").strip()
        if number:
            household = scope.scoped(request.user, Household).filter(number=number).first()
        if user is None or (number and household is None):
            messages.error(request, "账户或户编号不存在")
        else:
            try:
                services.staff_identity_set(
                    actor=request.user,
                    user=user,
                    name=request.POST.get("name", ""),
                    id_number=request.POST.get("id_number", ""),
                    household=household,
                )
            except (ValidationError, PermissionDenied) as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, "已登记")
                return redirect("funds:staff_identities")
    qs = scope.scoped(request.user, StaffIdentity).select_related("user", "household")
    return render(request, "funds/staff_identities.html", {"items": qs})


@staff_view(roles={Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN, Role.COUNTY_STAFF})
def parameters(request):
    """年度参数 (prefecture admin) and a county's monthly disbursement plan (county staff)."""
    from decimal import Decimal, InvalidOperation

    from ..models import DisbursementPlan, YearParameter

    year = requested_year(request)
    if request.method == "POST":
        param_now = services.year_parameter(year)
        try:
            if request.POST.get("action") == "plan":
                county = next(
                    (c for c in selectors.counties(request.user) if c.code == request.POST.get("county")), None
                )
                if county is None:
                    raise ValidationError("请选择县")
                rates = {
                    m: Decimal(request.POST[f"m{m}"]) / 100
                    for m in range(1, 13)
                    if request.POST.get(f"m{m}", "").strip()
                }
                services.disbursement_plan_set(actor=request.user, county=county, year=year, rates=rates)
            else:
                services.year_parameter_set(
                    actor=request.user,
                    year=year,
                    industry_min_share=Decimal(request.POST.get("industry_min_share", "55")) / 100,
                    max_projects_per_household=int(request.POST.get("max_projects_per_household", "3")),
                    acceptance_min_days=int(request.POST.get("acceptance_min_days") or param_now.acceptance_min_days),
                    acceptance_min_paid_share=Decimal(
                        request.POST.get("acceptance_min_paid_share") or param_now.acceptance_min_paid_share * 100
                    )
                    / 100,
                )
        except (ValidationError, PermissionDenied, InvalidOperation, ValueError) as exc:
            service_errors_to_messages(
                request, exc if isinstance(exc, (ValidationError, PermissionDenied)) else ValidationError("请输入数字")
            )
        else:
            messages.success(request, "已保存")
        return redirect(f"{reverse('funds:parameters')}?year={year}")
    param = services.year_parameter(year)
    counties = selectors.counties(request.user)
    plans = {
        (p.county_id, p.month): p.target_rate for p in DisbursementPlan.objects.filter(year=year, county__in=counties)
    }
    plan_rows = [(c, [(m, plans.get((c.pk, m))) for m in range(1, 13)]) for c in counties]
    return render(
        request,
        "funds/parameters.html",
        {
            "year": year,
            "param": param,
            "overrides": scope.scoped(request.user, YearParameter).filter(year=year, county__isnull=False),
            "plan_rows": plan_rows,
            "is_admin": request.user.role in services.ADMIN_ROLES,
            "is_county": request.user.role == Role.COUNTY_STAFF,
        },
    )


@staff_view()
def import_template(request, kind):
    """The empty .xlsx template of an import (headers as the importer reads them)."""
    from django.http import HttpResponse

    from ..imports import IMPORTERS, template_bytes

    if kind not in IMPORTERS:
        raise Http404("没有该导入模板")
    response = HttpResponse(
        template_bytes(kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(IMPORTERS[kind].label + '导入模板.xlsx')}"
    return response
