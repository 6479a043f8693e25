"""Staff pages of 厕所革命 and 人居环境 (plan tasks 12 and 13): the toilet census with its import and
export, one household's toilet (census, problem → rectification item), 回头看 rounds, and the
village's sewage, garbage and 村庄清洁 records. Thin: parse, call a service, render."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.exports import export_response
from zhenxing.jobs import services as job_services
from zhenxing.jobs import storage
from zhenxing.lib.xlsx import dated_title
from zhenxing.regions.models import Level

from . import selectors, services, toilets
from .imports import KINDS
from .jobs import IMPORT
from .models import (
    Disposal,
    Recheck,
    RecheckRound,
    Season,
    SewageMode,
    Toilet,
    ToiletKind,
    ToiletMode,
    ToiletProblem,
    ToiletStatus,
)
from .views import DATE, KEEP, _done, _valid, _village, year_of

PAGE = 100
OPEN = [ToiletStatus.PROBLEM, ToiletStatus.RECTIFYING]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[(k, v.label) for k, v in KINDS.items()])
    file = forms.FileField(label="文件（.xlsx/.xls/.csv）")


class RoundForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    sample_percent = forms.IntegerField(label="抽查比例（%）", min_value=1, max_value=100, initial=20)


def _import(request, region):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError("请选择导入内容和文件")
    scope.require_write(request.user, region, KEEP)
    f, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
    token = storage.upload_save(user=request.user, filename=f.name, chunks=f.chunks())
    return job_services.job_enqueue(
        actor=request.user,
        kind=IMPORT,
        label=f"导入{KINDS[kind].label}：{f.name}",
        payload={"kind": kind, "filename": f.name, "region": region.code},
        region=region,
        upload=token,
    )


@staff_view(page="village.toilets")
def index(request):
    region = scope.region_param(request)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "import":
                job = _import(request, region or request.user.region)
                return redirect("jobs:detail", pk=job.pk)
            if action == "round":
                data = _valid(RoundForm(request.POST))
                rnd = toilets.recheck_round_start(actor=request.user, region=region or request.user.region, **data)
                return redirect("village:round", pk=rnd.pk)
            raise ValidationError("未知操作")
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
        return redirect(request.get_full_path())
    qs = scope.within(selectors.toilets(request.user), region)
    status = request.GET.get("status", "")
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status in ToiletStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        return _export(request, qs)
    try:
        after = int(request.GET.get("after") or 0)
    except ValueError:
        after = 0
    page = list(qs.filter(pk__gt=after).order_by("pk")[: PAGE + 1])
    node = region or request.user.region
    return render(
        request,
        "village/toilets.html",
        {
            "rows": page[:PAGE],
            "next": page[PAGE - 1].pk if len(page) > PAGE else None,
            "status": status,
            "statuses": [("open", "未整改问题厕所"), *ToiletStatus.choices],
            "rounds": scope.within(selectors.rounds(request.user), region)[:20],
            "region_filter": region,
            "import_form": ImportForm() if scope.can_write(request.user, node, KEEP) else None,
            "round_form": RoundForm(initial={"name": f"{timezone.localdate().year}年户厕问题整改回头看"})
            if scope.can_write(request.user, node, "village.recheck.organise")
            else None,
        },
    )


def _export(request, qs):
    """户厕摸排台账 in the layout the 农业农村 department collects."""
    rows = qs.order_by("village__code", "household__number")
    return export_response(
        request,
        filename="农村户厕摸排台账.xlsx",
        title=dated_title(request.user.region, "农村户厕摸排情况台账"),
        audit_extra={"kind": "village.toilets"},
        columns=[
            "乡镇",
            "村",
            "户编号",
            "户主",
            "有无户厕",
            "厕所类型",
            "技术模式",
            "建设年度",
            "资金来源",
            "状态",
            "问题类型",
            "整改时限",
            "整改完成日期",
        ],
        rows=(
            [
                t.village.parent.name,
                t.village.name,
                t.household.number,
                t.household.head_name,
                "有" if t.has_toilet else "无",
                t.get_kind_display(),
                t.get_mode_display(),
                t.built_year or "",
                t.funding,
                t.get_status_display(),
                t.get_problem_display(),
                str(t.deadline or ""),
                str(t.rectified_on or ""),
            ]
            for t in rows.iterator(chunk_size=1000)
        ),
    )


class CensusForm(forms.Form):
    has_toilet = forms.BooleanField(label="有户厕", required=False)
    kind = forms.ChoiceField(label="厕所类型", choices=[("", "——")] + list(ToiletKind.choices), required=False)
    mode = forms.ChoiceField(label="技术模式", choices=[("", "——")] + list(ToiletMode.choices), required=False)
    indoor = forms.BooleanField(label="室内", required=False)
    built_year = forms.IntegerField(label="建设（改造）年度", required=False)
    funding = forms.CharField(label="资金来源", max_length=60, required=False)


class ProblemForm(forms.Form):
    problem = forms.ChoiceField(label="问题类型", choices=ToiletProblem.choices)
    note = forms.CharField(label="问题说明", max_length=200, required=False)


@staff_view(model=Toilet)
def toilet(request, toilet):
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "census":
                toilets.toilet_survey(
                    actor=request.user, household=toilet.household, **_valid(CensusForm(request.POST))
                )
            elif action == "problem":
                toilets.toilet_problem(actor=request.user, toilet=toilet, **_valid(ProblemForm(request.POST)))
            else:
                raise ValidationError("未知操作")
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
        else:
            _done(request)
        return redirect("village:toilet", pk=toilet.pk)
    can_keep = scope.can_write(request.user, toilet, KEEP)
    initial = {f: getattr(toilet, f) for f in toilets.CENSUS_FIELDS}
    return render(
        request,
        "village/toilet.html",
        {
            "t": toilet,
            "rechecks": toilet.rechecks.select_related("round"),
            "census_form": CensusForm(initial=initial) if can_keep else None,
            "problem_form": ProblemForm() if can_keep and toilet.status not in OPEN else None,
        },
    )


@staff_view(model=RecheckRound)
def round_detail(request, round):
    if request.method == "POST":
        try:
            check = scope.get_choice(request.user, Recheck.objects.filter(round=round), pk=request.POST.get("check"))
            if check is None:
                raise ValidationError("复查记录不存在")
            toilets.recheck_record(
                actor=request.user,
                recheck=check,
                passed=request.POST.get("passed") == "1",
                note=request.POST.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
        else:
            _done(request)
        return redirect("village:round", pk=round.pk)
    return render(
        request,
        "village/round.html",
        {
            "r": round,
            "checks": selectors.round_checks(request.user, round),
            "can_check": scope.can_write(request.user, round.region, "village.recheck.organise"),
        },
    )


class SewageForm(forms.Form):
    mode = forms.ChoiceField(label="治理模式", choices=SewageMode.choices)
    households_covered = forms.IntegerField(label="覆盖户数", min_value=0)
    black_water_bodies = forms.IntegerField(label="黑臭水体（处）", min_value=0, initial=0)
    black_water_fixed = forms.IntegerField(label="已治理黑臭水体（处）", min_value=0, initial=0)
    greening_rate = forms.DecimalField(label="村庄绿化覆盖率（%）", max_digits=5, decimal_places=2, required=False)


class GarbageForm(forms.Form):
    collection_points = forms.IntegerField(label="收集点（个）", min_value=0)
    transport = forms.CharField(label="转运方式", max_length=60, required=False)
    disposal = forms.ChoiceField(label="处理方式", choices=Disposal.choices)
    households_covered = forms.IntegerField(label="覆盖户数", min_value=0)
    sorting_pilot = forms.BooleanField(label="垃圾分类试点", required=False)


class CleaningForm(forms.Form):
    season = forms.ChoiceField(label="战役", choices=Season.choices)
    inspected_on = forms.DateField(label="检查日期", widget=DATE)
    score = forms.DecimalField(label="得分（百分制）", max_digits=5, decimal_places=1, min_value=0, max_value=100)
    problems = forms.CharField(label="发现问题（填写后转入整改台账）", max_length=300, required=False)


ENV_FORMS = {
    "sewage": (SewageForm, services.sewage_save),
    "garbage": (GarbageForm, services.garbage_save),
    "cleaning": (CleaningForm, services.cleaning_record),
}


@staff_view(page="village.environment")
def environment(request):
    year = year_of(request)
    region = scope.region_param(request)
    if request.method == "POST":
        try:
            form_class, save = ENV_FORMS.get(request.POST.get("action"), (None, None))
            if form_class is None:
                raise ValidationError("未知操作")
            village = _village(request, request.POST.get("village"))
            save(actor=request.user, village=village, year=year, **_valid(form_class(request.POST)))
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
        else:
            _done(request)
        return redirect(request.get_full_path())
    village = region if region is not None and region.level == Level.VILLAGE else None
    if village is None and request.user.region.level == Level.VILLAGE:
        village = request.user.region
    can_keep = village is not None and scope.can_write(request.user, village, KEEP)
    return render(
        request,
        "village/environment.html",
        {
            "year": year,
            "region_filter": region,
            "village": village,
            **selectors.environment(request.user, region, year),
            "forms": {k: f() for k, (f, _) in ENV_FORMS.items()} if can_keep else {},
        },
    )
