"""County assessment: schemes, indicators, computed and manual scores, publication."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.regions.models import Region

from .. import workflow
from ..models import AssessmentIndicator, AssessmentResult, AssessmentScheme, AssessmentScore, SchemeStatus, Scoring
from .base import _require, _require_act, counties
from .notices import notice_send


def scheme_create(*, actor, year: int, title: str, as_of: dt.date, region: Region | None = None) -> AssessmentScheme:
    _require_act(actor, "ledger.assessment.manage")
    with transaction.atomic(), acting(actor):
        return AssessmentScheme.objects.create(year=year, title=title, as_of=as_of, region=region or actor.region)


def _editable(scheme: AssessmentScheme) -> None:
    _require(scheme.status != SchemeStatus.PUBLISHED, "考核结果已发布，不能再修改")


def scheme_indicator_add(
    *,
    actor,
    scheme: AssessmentScheme,
    weight: Decimal,
    scoring: str,
    code: str = "",
    name: str = "",
    formula: str = "",
    unit: str = "",
    target: Decimal | None = None,
    higher_is_better: bool | None = None,
) -> AssessmentIndicator:
    from zhenxing.lib.modules import indicators

    _require_act(actor, "ledger.assessment.indicator")
    _editable(scheme)
    _require(Decimal(weight) > 0, "分值须大于0", "weight")
    if code:
        ind = indicators().get(code)
        _require(ind is not None, f"系统中没有指标 {code}", "code")
        _require(scoring != Scoring.MANUAL, "系统计算的指标不能选择评审打分", "scoring")
        _require(target is not None, "请填写目标值", "target")
        name, formula, unit = name or ind.name, ind.formula, ind.unit
        higher = ind.higher_is_better if higher_is_better is None else higher_is_better
    else:
        _require(bool(name.strip()), "请填写指标名称", "name")
        scoring = Scoring.MANUAL
        higher = True
    _require(not scheme.indicators.filter(code=code).exists() if code else True, "该指标已在考核体系中", "code")
    with transaction.atomic(), acting(actor):
        order = (scheme.indicators.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        return AssessmentIndicator.objects.create(
            scheme=scheme,
            order=order,
            code=code,
            name=name.strip(),
            formula=formula,
            unit=unit,
            weight=Decimal(weight),
            scoring=scoring,
            target=target,
            higher_is_better=higher,
        )


TWO = Decimal("0.01")


NOT_APPLICABLE_RULE = (
    "系统计算指标在本县无应计量事项（如统计期内未登记整改事项）的，为“不适用”，既不得分也不视为达标；"
    "其分值按比例分配给本县其他适用的系统计算指标：系统计算部分得分 = 适用系统指标得分之和 × "
    "系统指标分值合计 ÷ 适用系统指标分值之和；系统计算指标全部不适用的，该部分得0分。"
    "评审指标按实得分计入（未打分前按0分计）。总分 = 系统计算部分得分 + 评审得分。"
)


def indicator_score(indicator: AssessmentIndicator, value) -> tuple[Decimal | None, str]:
    """Score of one computed value: (score, note). Nothing to measure is 不适用 (None): never full
    marks; ``_totals`` spreads its weight over the applicable figures (NOT_APPLICABLE_RULE)."""
    w = indicator.weight
    if value is None:
        return None, "不适用：无应计量事项，分值分配给其他适用指标"
    v = Decimal(str(value))
    t = indicator.target if indicator.target is not None else Decimal("0")
    meets = v >= t if indicator.higher_is_better else v <= t
    if indicator.scoring == Scoring.PASS_FAIL:
        return (w if meets else Decimal("0")), ("达标" if meets else "未达标")
    if meets:
        return w, "达标"
    if indicator.higher_is_better:
        ratio = v / t if t else Decimal("0")
    else:
        ratio = t / v if v else Decimal("1")
    return (w * max(Decimal("0"), min(ratio, Decimal("1")))).quantize(TWO, ROUND_HALF_UP), "按完成比例计分"


def scheme_run(*, actor, scheme: AssessmentScheme) -> AssessmentScheme:
    """Computes every system indicator for every county as of the scheme's date and stores it.
    Manual entries are kept. Allowed until published."""
    from zhenxing.lib.modules import indicators

    _require_act(actor, "ledger.assessment.manage")
    _editable(scheme)
    inds = list(scheme.indicators.all())
    _require(bool(inds), "请先设置考核指标")
    registry = indicators()
    with transaction.atomic(), acting(actor):
        for county in counties(scheme.region):
            result, _ = AssessmentResult.objects.get_or_create(scheme=scheme, county=county)
            for ind in inds:
                if not ind.computed:
                    AssessmentScore.objects.get_or_create(result=result, indicator=ind)
                    continue
                figure = registry[ind.code]
                iv = figure.compute(county, scheme.as_of)
                applicable = iv.value is not None and (figure.measured is None or figure.measured(county, scheme.as_of))
                score, note = indicator_score(ind, iv.value if applicable else None)
                if not applicable and iv.value is not None:
                    note = "不适用：统计期内未登记应计量事项，分值分配给其他适用指标"
                AssessmentScore.objects.update_or_create(
                    result=result,
                    indicator=ind,
                    defaults={
                        "value": None if iv.value is None else Decimal(str(iv.value)).quantize(Decimal("0.000001")),
                        "numerator": iv.numerator,
                        "denominator": iv.denominator,
                        "score": score,
                        "applicable": applicable,
                        "evidence_url": iv.evidence_url,
                        "note": (note if not applicable else (iv.note or note))[:200],
                    },
                )
        _totals(scheme)
        scheme.status = SchemeStatus.COMPUTED
        scheme.computed_at = timezone.now()
        scheme.version += 1
        scheme.save()
        workflow.SCHEMES.record(actor=actor, obj=scheme, code="run", label="计算考核结果")
    return scheme


def _totals(scheme: AssessmentScheme) -> None:
    """Totals by NOT_APPLICABLE_RULE: the applicable computed figures' scores scaled up to the weight
    of all computed figures (0 when none applies: recording nothing earns nothing), plus the review
    scores as entered (so a reviewer's score is never inflated by what a county did not record)."""
    computed_weight = sum((i.weight for i in scheme.indicators.all() if i.computed), Decimal("0"))
    results = list(scheme.results.prefetch_related("scores__indicator"))
    for r in results:
        computed = [s for s in r.scores.all() if s.indicator.computed and s.applicable]
        manual = sum((s.score or Decimal("0") for s in r.scores.all() if not s.indicator.computed), Decimal("0"))
        r.raw_total = sum((s.score or Decimal("0") for s in computed), Decimal("0"))
        r.applicable_weight = sum((s.indicator.weight for s in computed), Decimal("0"))
        part = (r.raw_total * computed_weight / r.applicable_weight) if r.applicable_weight else Decimal("0")
        r.total = (part + manual).quantize(TWO, ROUND_HALF_UP)
    ordered = sorted(results, key=lambda r: (-r.total, r.county.code))
    rank = 0
    previous = None
    for i, r in enumerate(ordered, 1):
        if r.total != previous:
            rank = i
            previous = r.total
        r.rank = rank
        r.save()


def score_enter(
    *,
    actor,
    scheme: AssessmentScheme,
    county: Region,
    indicator: AssessmentIndicator,
    score: Decimal,
    evidence: str,
    value: Decimal | None = None,
    evidence_file=None,
) -> AssessmentScore:
    """An assessor's score for a manual indicator, with the evidence it rests on."""
    _require_act(actor, "ledger.assessment.score")
    _editable(scheme)
    _require(scheme.status == SchemeStatus.COMPUTED, "请先计算考核结果")
    _require(not indicator.computed and indicator.scheme_id == scheme.pk, "该指标由系统计算，不能手工录入")
    _require(Decimal("0") <= Decimal(score) <= indicator.weight, f"得分须在0到{indicator.weight}之间", "score")
    _require(bool(evidence.strip()), "评审打分须填写依据", "evidence")
    result = AssessmentResult.objects.get(scheme=scheme, county=county)
    with transaction.atomic(), acting(actor):
        s, _ = AssessmentScore.objects.get_or_create(result=result, indicator=indicator)
        s.score = Decimal(score).quantize(TWO)
        s.value = value
        s.evidence = evidence.strip()
        if evidence_file:
            s.evidence_file = evidence_file
        s.entered_by = actor
        s.save()
        _totals(scheme)
    return s


def scheme_publish(*, actor, scheme: AssessmentScheme) -> AssessmentScheme:
    """Publish the results (workflow.SCHEME_TRANSITIONS), through the one transition engine."""
    workflow.SCHEMES.apply(actor=actor, obj=scheme, code="publish")
    return scheme


def results_notify(scheme: AssessmentScheme) -> None:
    for r in scheme.results.select_related("county"):
        notice_send(
            region=r.county,
            roles={Role.COUNTY_STAFF},
            title=f"考核结果已发布：{scheme.title}",
            body=f"{r.county.name}总分 {r.total}，第 {r.rank} 名。",
            url=reverse("ledger:result", args=[r.pk]),
            kind="assessment",
        )
