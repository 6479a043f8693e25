"""Staff pages of the village profile: the villages of the scope with their figures, a village's
profile of a year (分类, 规划, 两委, 管护, 村规民约, 示范), a 村规民约 and a 示范 recommendation with their
steps, rural talent and the 乡村建设项目库. Thin: parse, call a service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.exports import export_response
from zhenxing.funds.models import Project
from zhenxing.lib.forms import service_errors_to_messages
from zhenxing.lib.xlsx import dated_title

from . import selectors, services
from .models import (
    AgeBand,
    CadrePost,
    Category,
    Education,
    Honour,
    HonourKind,
    Meeting,
    PlanStatus,
    TalentKind,
    TalentLevel,
    VillageClass,
    VillageProfile,
    VillageRule,
)

DATE = forms.DateInput(attrs={"type": "date"})
KEEP = services.KEEP


def year_of(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _village(request, code):
    village = scope.region_by_code(request.user, code)
    if village is None:
        raise ValidationError("请选择村")
    return village


def _done(request, exc=None):
    if exc is None:
        messages.success(request, "已保存")
    else:
        service_errors_to_messages(request, exc)


@staff_view(page="village.index")
def index(request):
    year = year_of(request)
    region = scope.region_param(request)
    if request.method == "POST":
        try:
            village = _village(request, request.POST.get("village"))
            profile = services.profile_save(actor=request.user, village=village, year=year)
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
            return redirect(request.get_full_path())
        return redirect("village:profile", pk=profile.pk)
    rows = selectors.village_rows(request.user, region, year)
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename=f"村庄基本情况{year}.xlsx",
            title=dated_title(request.user.region, f"{year}年村庄分类和村庄规划编制情况统计表"),
            audit_extra={"kind": "village.profiles", "year": year},
            columns=[
                "乡镇",
                "村",
                "村庄分类",
                "村庄规划",
                "批复日期",
                "批复文号",
                "户数",
                "人口",
                "卫生厕所户数",
                "问题厕所（未整改）",
            ],
            rows=(
                [
                    r.village.parent.name,
                    r.village.name,
                    r.profile.get_village_class_display() if r.profile else "未建档",
                    r.profile.get_plan_status_display() if r.profile else "",
                    str(r.profile.plan_approved_on or "") if r.profile else "",
                    r.profile.plan_document if r.profile else "",
                    r.households,
                    r.people,
                    r.sanitary,
                    r.problems_open,
                ]
                for r in rows
            ),
        )
    return render(
        request,
        "village/index.html",
        {
            "year": year,
            "rows": rows,
            "can_keep": scope.can_write(request.user, request.user.region, KEEP),
            "region_filter": region,
        },
    )


class ProfileForm(forms.Form):
    village_class = forms.ChoiceField(label="村庄分类", choices=VillageClass.choices)
    plan_status = forms.ChoiceField(label="村庄规划", choices=PlanStatus.choices)
    plan_approved_on = forms.DateField(label="规划批复日期", widget=DATE, required=False)
    plan_document = forms.CharField(label="规划批复文号", max_length=120, required=False)
    upkeep_manager = forms.CharField(label="户厕管护责任人", max_length=60, required=False)
    upkeep_service = forms.CharField(label="粪污清掏服务", max_length=120, required=False)
    upkeep_fee = forms.CharField(label="管护收费办法", max_length=120, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)


class CadreForm(forms.Form):
    id_number = forms.CharField(label="身份证号（须已在农户信息中登记）", max_length=18)
    post = forms.ChoiceField(label="职务", choices=CadrePost.choices)
    age_band = forms.ChoiceField(label="年龄段", choices=AgeBand.choices)
    education = forms.ChoiceField(label="学历", choices=Education.choices)
    veteran = forms.BooleanField(label="退役军人", required=False)
    graduate = forms.BooleanField(label="返乡大学生", required=False)


class RuleForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100)
    items = forms.CharField(label="条款（每行一条）", widget=forms.Textarea(attrs={"rows": 6}))


class HonourForm(forms.Form):
    kind = forms.ChoiceField(label="示范类别", choices=HonourKind.choices)
    reason = forms.CharField(label="推荐理由", max_length=300)


def _valid(form):
    if not form.is_valid():
        raise ValidationError("请完整、正确填写")
    return form.cleaned_data


@staff_view(model=VillageProfile)
def profile(request, profile):
    village = profile.village
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "profile":
                services.profile_save(
                    actor=request.user,
                    village=village,
                    year=profile.year,
                    version=int(request.POST.get("version") or 0) or None,
                    **_valid(ProfileForm(request.POST)),
                )
            elif action == "cadre":
                services.cadre_add(actor=request.user, profile=profile, **_valid(CadreForm(request.POST)))
            elif action == "cadre_remove":
                cadre = scope.get_choice(request.user, profile.cadres.all(), pk=request.POST.get("cadre"))
                if cadre is None:
                    raise ValidationError("两委成员不存在")
                services.cadre_remove(actor=request.user, cadre=cadre)
            elif action == "rule":
                rule = services.rule_draft(actor=request.user, village=village, **_valid(RuleForm(request.POST)))
                return redirect("village:rule", pk=rule.pk)
            elif action == "honour":
                services.honour_recommend(
                    actor=request.user, village=village, year=profile.year, **_valid(HonourForm(request.POST))
                )
            else:
                raise ValidationError("未知操作")
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
        else:
            _done(request)
        return redirect("village:profile", pk=profile.pk)
    can_keep = scope.can_write(request.user, profile, KEEP)
    households, people = selectors.population([village.pk])[village.pk]
    initial = {f: getattr(profile, f) for f in services.PROFILE_FIELDS}
    return render(
        request,
        "village/profile.html",
        {
            "p": profile,
            "village": village,
            "households": households,
            "people": people,
            "years": VillageProfile.objects.filter(village=village).order_by("-year"),
            "cadres": selectors.cadres(profile),
            "rules": selectors.rules(village),
            "honours": selectors.honours(village),
            "forms": {
                "profile": ProfileForm(initial=initial),
                "cadre": CadreForm(),
                "rule": RuleForm(),
                "honour": HonourForm(),
            }
            if can_keep
            else {},
        },
    )


class StepForm(forms.Form):
    evidence = forms.CharField(label="依据（表决情况、备案编号或命名文号）", max_length=200, required=False)
    reason = forms.CharField(label="理由", max_length=200, required=False)
    meeting = forms.ChoiceField(label="表决会议", choices=[("", "——")] + list(Meeting.choices), required=False)


def _step(request, machine_fn, **target):
    form = StepForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    machine_fn(
        actor=request.user,
        code=request.POST.get("code", ""),
        reason=data.get("reason", ""),
        evidence=data.get("evidence", ""),
        version=int(request.POST.get("version") or 0) or None,
        meeting=data.get("meeting", ""),
        **target,
    )


def _available(machine, obj, user):
    return [t for t in machine.from_state(machine.state_of(obj)) if t.permits(user, obj)]


@staff_view(model=VillageRule)
def rule(request, rule):
    from .workflow import RULES

    if request.method == "POST":
        try:
            _step(request, services.rule_transition, rule=rule)
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
        else:
            _done(request)
        return redirect("village:rule", pk=rule.pk)
    steps = _available(RULES, rule, request.user) if scope.can_write(request.user, rule, KEEP) else []
    return render(
        request,
        "village/rule.html",
        {"r": rule, "steps": steps, "form": StepForm(), "profile": _profile_of(rule.village, rule.created_at.year)},
    )


def _profile_of(village, year):
    return VillageProfile.objects.filter(village=village).order_by("-year").first()


@staff_view(model=Honour)
def honour(request, honour):
    from .workflow import HONOURS

    if request.method == "POST":
        try:
            _step(request, services.honour_transition, honour=honour)
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
        else:
            _done(request)
        return redirect("village:honour", pk=honour.pk)
    steps = _available(HONOURS, honour, request.user) if scope.can_write(request.user, honour, KEEP) else []
    return render(
        request,
        "village/honour.html",
        {"h": honour, "steps": steps, "form": StepForm(), "profile": _profile_of(honour.village, honour.year)},
    )


class TalentForm(forms.Form):
    village = forms.CharField(label="村（区划代码）", max_length=12, widget=forms.HiddenInput)
    id_number = forms.CharField(label="身份证号（须已在农户信息中登记）", max_length=18)
    kind = forms.ChoiceField(label="人才类别", choices=TalentKind.choices)
    skill = forms.CharField(label="技能", max_length=60)
    level = forms.ChoiceField(label="等级", choices=TalentLevel.choices)
    training = forms.CharField(label="接受培训", max_length=200, required=False)


@staff_view(page="village.talent")
def talent(request):
    region = scope.region_param(request)
    if request.method == "POST":
        try:
            data = _valid(TalentForm(request.POST))
            data["village"] = _village(request, data["village"])
            services.talent_add(actor=request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
        else:
            _done(request)
        return redirect(request.get_full_path())
    rows = scope.within(selectors.talents(request.user), region)[:500]
    keep_village = region if region is not None and region.level == "village" else None
    if keep_village is None and request.user.region.level == "village":
        keep_village = request.user.region
    can_add = keep_village is not None and scope.can_write(request.user, keep_village, KEEP)
    return render(
        request,
        "village/talent.html",
        {
            "rows": rows,
            "region_filter": region,
            "form": TalentForm(initial={"village": keep_village.code}) if can_add else None,
            "keep_village": keep_village,
        },
    )


class ClassifyForm(forms.Form):
    category = forms.ChoiceField(label="建设类别", choices=Category.choices)


class TaskForm(forms.Form):
    village = forms.CharField(label="村（区划代码）", max_length=12, widget=forms.HiddenInput)
    content = forms.CharField(label="任务内容", max_length=200)
    due_on = forms.DateField(label="完成时限", widget=DATE)


@staff_view(page="village.projects")
def projects(request):
    region = scope.region_param(request)
    rows = selectors.construction_projects(request.user, region)[:300]
    return render(request, "village/projects.html", {"rows": rows, "region_filter": region})


@staff_view(model=Project, page="village.projects")
def project(request, project):
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "classify":
                services.construction_classify(
                    actor=request.user, project=project, **_valid(ClassifyForm(request.POST))
                )
            elif action == "task":
                data = _valid(TaskForm(request.POST))
                cp = getattr(project, "construction", None)
                if cp is None:
                    raise ValidationError("请先确定建设类别")
                services.task_add(
                    actor=request.user,
                    construction=cp,
                    village=_village(request, data["village"]),
                    content=data["content"],
                    due_on=data["due_on"],
                )
            elif action == "done":
                task = scope.get_choice(
                    request.user, selectors.tasks(request.user, project), pk=request.POST.get("task")
                )
                if task is None:
                    raise ValidationError("任务不存在")
                services.task_done(actor=request.user, task=task)
            else:
                raise ValidationError("未知操作")
        except (ValidationError, PermissionDenied) as exc:
            _done(request, exc)
        else:
            _done(request)
        return redirect("village:project", pk=project.pk)
    can_keep = scope.can_write(request.user, project.village, "village.project.keep")
    cp = getattr(project, "construction", None)
    return render(
        request,
        "village/project.html",
        {
            "p": project,
            "cp": cp,
            "tasks": selectors.tasks(request.user, project),
            "can_done": scope.can_write(request.user, project.village, KEEP),
            "classify": ClassifyForm(initial={"category": cp.category if cp else ""}) if can_keep else None,
            "task_form": TaskForm(initial={"village": project.village.code}) if can_keep and cp else None,
        },
    )
