"""Ledger pages: county assessment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404 as orm_get_or_404
from django.shortcuts import redirect, render

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.accounts.models import Role
from zhenxing.audit.exports import export_response
from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages
from zhenxing.regions.models import Region

from .. import forms, services, xlsx
from ..models import AssessmentResult, AssessmentScheme, SchemeStatus
from ..services.assessment import NOT_APPLICABLE_RULE
from .base import _form_messages


@staff_view()
def assessment_list(request):
    user = request.user
    form = forms.SchemeForm(request.POST or None)
    if request.method == "POST":
        if user.role != Role.PREFECTURE_ADMIN:
            raise PermissionDenied("考核由地区组织")
        if form.is_valid():
            try:
                scheme = services.scheme_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc, request=request)
            else:
                return redirect("ledger:assessment", pk=scheme.pk)
    schemes = scope.scoped(user, AssessmentScheme)
    results = (
        scope.scoped(user, AssessmentResult)
        .filter(scheme__status=SchemeStatus.PUBLISHED)
        .select_related("scheme", "county")
    )
    return render(
        request,
        "ledger/assessments.html",
        {"schemes": schemes, "results": results, "form": form, "is_admin": user.role == Role.PREFECTURE_ADMIN},
    )


@staff_view(model=AssessmentScheme)
def assessment_detail(request, scheme):
    user = request.user
    if request.method == "POST":
        if user.role != Role.PREFECTURE_ADMIN:
            raise PermissionDenied("考核由地区组织")
        action = request.POST.get("action", "")
        try:
            if action == "indicator":
                f = forms.IndicatorForm(request.POST)
                if f.is_valid():
                    services.scheme_indicator_add(actor=user, scheme=scheme, **f.cleaned_data)
                    messages.success(request, "指标已添加。")
                else:
                    _form_messages(request, f)
            elif action == "run":
                services.scheme_run(actor=user, scheme=scheme)
                messages.success(request, "已按数据截止日期计算，请审核评审指标并打分。")
            elif action == "score":
                f = forms.ScoreForm(request.POST, request.FILES)
                if f.is_valid():
                    d = f.cleaned_data
                    county = orm_get_or_404(Region, pk=d["county"], parent=scheme.region)
                    ind = orm_get_or_404(scheme.indicators, pk=d["indicator"])
                    services.score_enter(
                        actor=user,
                        scheme=scheme,
                        county=county,
                        indicator=ind,
                        score=d["score"],
                        evidence=d["evidence"],
                        evidence_file=d["evidence_file"],
                    )
                    messages.success(request, "评审得分已保存。")
                else:
                    _form_messages(request, f)
            elif action == "publish":
                services.scheme_publish(actor=user, scheme=scheme)
                messages.success(request, "考核结果已发布并冻结。")
            else:
                messages.error(request, "未知操作")
        except ValidationError as exc:
            service_errors_to_messages(request, exc)
        return redirect("ledger:assessment", pk=scheme.pk)
    indicators = list(scheme.indicators.all())
    results = list(scheme.results.select_related("county").prefetch_related("scores"))
    table = []
    for r in results:
        scores = {s.indicator_id: s for s in r.scores.all()}
        table.append((r, [(ind, scores.get(ind.pk)) for ind in indicators]))
    total_weight = sum((i.weight for i in indicators), 0)
    return render(
        request,
        "ledger/assessment.html",
        {
            "scheme": scheme,
            "indicators": indicators,
            "table": table,
            "total_weight": total_weight,
            "is_admin": user.role == Role.PREFECTURE_ADMIN,
            "editable": scheme.status != SchemeStatus.PUBLISHED,
            "indicator_form": forms.IndicatorForm(),
            "rule": NOT_APPLICABLE_RULE,
        },
    )


@staff_view(model=AssessmentScheme, url_kwarg="pk")
def assessment_export(request, scheme):
    indicators = list(scheme.indicators.all())
    results = list(scheme.results.select_related("county").prefetch_related("scores").order_by("rank", "county__code"))
    return export_response(
        request,
        xlsx.assessment_sheet(scheme, indicators, results),
        filename=f"{scheme.title}.xlsx",
        obj=scheme,
        audit_extra={"format": "xlsx"},
        rows_key=None,
    )


@staff_view(model=AssessmentResult)
def result_detail(request, result):
    # Before publication a county sees its computed figures to check them (marked 未发布).
    scores = result.scores.select_related("indicator", "entered_by").order_by("indicator__order")
    computed_weight = sum((i.weight for i in result.scheme.indicators.all() if i.computed), 0)
    return render(
        request,
        "ledger/result.html",
        {
            "result": result,
            "scheme": result.scheme,
            "scores": scores,
            "rule": NOT_APPLICABLE_RULE,
            "computed_weight": computed_weight,
        },
    )
