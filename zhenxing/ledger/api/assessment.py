"""Ledger API: county assessments (县级考核), their results and rankings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Query, Schema

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page

from ..models import AssessmentResult, AssessmentScheme
from .common import router, scope_extra


class ScoreOut(Schema):
    indicator: str
    code: str
    weight: Decimal
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    score: Decimal | None
    evidence_url: str
    evidence: str
    note: str


class ResultOut(Schema):
    id: int
    county_code: str
    county_name: str
    total: Decimal
    rank: int | None
    scores: list[ScoreOut]


class SchemeOut(Schema):
    id: int
    year: int
    title: str
    as_of: dt.date
    status: str
    published_at: dt.datetime | None
    results: list[ResultOut]


def _result(r: AssessmentResult) -> dict:
    return {
        "id": r.pk,
        "county_code": r.county.code,
        "county_name": r.county.name,
        "total": r.total,
        "rank": r.rank,
        "scores": [
            {
                "indicator": s.indicator.name,
                "code": s.indicator.code,
                "weight": s.indicator.weight,
                "value": s.value,
                "numerator": s.numerator,
                "denominator": s.denominator,
                "score": s.score,
                "evidence_url": s.evidence_url,
                "evidence": s.evidence,
                "note": s.note,
            }
            for s in r.scores.select_related("indicator").order_by("indicator__order")
        ],
    }


def _scheme(s: AssessmentScheme) -> dict:
    return {
        "id": s.pk,
        "year": s.year,
        "title": s.title,
        "as_of": s.as_of,
        "status": s.status,
        "published_at": s.published_at,
        "results": [_result(r) for r in s.results.select_related("county").order_by("rank", "county__code")],
    }


@router.get(
    "/ledger/assessments",
    response=list[SchemeOut],
    openapi_extra=scope_extra("ledger.assessmentscheme"),
    summary="县级考核（地区）",
)
def assessment_list(request, response: HttpResponse, page: Keyset = Query(...)):
    return [
        _scheme(s)
        for s in keyset_page(request, response, scope.scoped(request.user, AssessmentScheme), page, desc=True)
    ]


@router.get(
    "/ledger/assessments/{scheme_id}",
    response=SchemeOut,
    openapi_extra=scope_extra("ledger.assessmentscheme"),
    summary="一次县级考核及其排名",
)
def assessment_detail(request, scheme_id: int):
    return _scheme(scope.get_object_or_404(request.user, AssessmentScheme, pk=scheme_id))


@router.get(
    "/ledger/assessment-results/{result_id}",
    response=ResultOut,
    openapi_extra=scope_extra("ledger.assessmentresult"),
    summary="一个县（市、区）的考核结果及依据",
)
def assessment_result(request, result_id: int):
    return _result(
        scope.get_object_or_404(request.user, AssessmentResult.objects.select_related("county"), pk=result_id)
    )
