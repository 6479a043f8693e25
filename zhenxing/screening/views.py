from __future__ import annotations

from functools import partial
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenxing import workflow as engine
from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.jobs import services as job_services
from zhenxing.jobs import storage
from zhenxing.jobs.models import JobState
from zhenxing.lib.picker import region_filter_field
from zhenxing.regions.models import Level, Region
from zhenxing.registry.models import Household

from . import alerts as alert_writes
from . import evidence as alert_evidence
from . import export, feed_specs, feeds, jobs, rules, selectors, services, workflow
from .alerts import NOTE_MAX
from .models import Alert, AlertState, Run, RunKind, RunStatus, Source

RULE_CHOICES = [("", "全部规则")] + [(c, r.name) for c, r in rules.RULES.items()] + list(rules.EXTRA_CODES.items())


# What an alert's cited record came from, in words (paper_exit cites monitoring case files).
SOURCE_LABELS = {**dict(Source.choices), "monitoring": _("监测案卷")}


class AlertFilter(forms.Form):
    rule = forms.ChoiceField(label="规则", choices=RULE_CHOICES, required=False)
    state = forms.ChoiceField(label="状态", choices=[("", "全部状态")] + list(AlertState.choices), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = region_filter_field(partial(scope.region_levels, user))


def _filtered(request):
    form = AlertFilter(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    region = scope.region_param(request)  # out of scope, unknown or above the user: 404, never the whole list
    qs = selectors.alerts_for(request.user, rule=data.get("rule", ""), state=data.get("state", ""), region=region)
    return form, qs, region


def _bulk_issue(request) -> None:
    """批量下发 (the selected alerts) or 按村下发 (every new alert of one village) from the list page."""
    instruction = request.POST.get("instruction", "")
    refused: dict = {}
    if request.POST.get("village"):
        village = scope.region_by_code(request.user, request.POST["village"])
        alerts = alert_writes.alerts_of_village(actor=request.user, village=village)
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        alerts, refused = engine.scoped_records(request.user, Alert, ids)
    try:
        result = alert_writes.alerts_bulk_issue(
            actor=request.user, alerts=alerts, instruction=instruction, refused=refused
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return
    messages.success(request, f"已下发 {len(result['done'])} 条预警")
    for pk, why in result["refused"].items():
        messages.warning(request, f"预警 {pk} 未下发：{why}")


@staff_view(page="screening.alerts")
def alert_list(request):
    if request.method == "POST":
        scope.require_write(request.user, None, "screening.alert.bulk_issue")
        _bulk_issue(request)
        return redirect(f"{reverse('screening:alerts')}?{request.GET.urlencode()}")
    form, qs, region = _filtered(request)
    data = form.cleaned_data if form.is_valid() else {}
    # the counts are the figures the runs and the steps keep (AlertCount), never a count of the alerts
    figures = selectors.alert_figures(
        request.user, rule=data.get("rule", ""), state=data.get("state", ""), region=region
    )
    counts = selectors.alert_counts(figures)
    rows, next_cursor = selectors.alert_page(
        request.user, qs, region=region, matching=counts["total"], cursor=request.GET.get("cursor", "")
    )
    can_bulk = scope.can_write(request.user, None, "screening.alert.bulk_issue")
    villages = []
    if can_bulk:
        villages = (
            scope.scoped(request.user, Region)
            .filter(
                level=Level.VILLAGE,
                pk__in=figures.filter(state=AlertState.NEW).values("village_id"),
            )
            .order_by("code")[:300]
        )
    return render(
        request,
        "screening/alert_list.html",
        {
            "form": form,
            "page": rows,
            "next_cursor": next_cursor,
            "counts": counts,
            "regions": selectors.alert_counts_by_region(request.user, figures),
            "states": dict(AlertState.choices),
            "region_filter": region,
            "can_bulk": can_bulk,
            "bulk_villages": villages,
        },
    )


@staff_view(page="screening.alerts")
def alert_export(request):
    form, qs, region = _filtered(request)
    ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()]
    if ids:  # 导出所选 (the list page's bulk form): only the ticked alerts, within the scope
        qs = qs.filter(pk__in=ids)
    node = region or request.user.region
    return export.alerts_response(request, qs.order_by("village__path", "rule", "id"), region=node)


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(k, t.label) for k, t in workflow.TRANSITIONS.items()])
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="说明（下发要求、核实说明或撤回原因）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label="核实依据",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="入户核实记录、佐证材料名称等",
    )


class NoteForm(forms.Form):
    text = forms.CharField(label="留言（提问或答复）", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


def _alert_note(request, alert):
    note_form = NoteForm(request.POST)
    if note_form.is_valid():
        try:
            alert_writes.alert_note_add(actor=request.user, alert=alert, text=note_form.cleaned_data["text"])
            messages.success(request, "已留言")
            return redirect("screening:alert", pk=alert.pk), note_form
        except (ValidationError, PermissionDenied) as exc:
            note_form.add_error(None, getattr(exc, "message", None) or str(exc))
    return None, note_form


@staff_view(model=Alert)
def alert_detail(request, alert):
    note_form = NoteForm()
    if request.method == "POST" and "text" in request.POST:
        done, note_form = _alert_note(request, alert)
        if done is not None:
            return done
        form = TransitionForm(initial={"version": alert.version})
    elif request.method == "POST":
        form = TransitionForm(request.POST)
        if form.is_valid():
            try:
                alert_writes.alert_transition(
                    actor=request.user,
                    alert=alert,
                    action=form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"],
                    evidence=form.cleaned_data["evidence"],
                    expected_version=form.cleaned_data["version"],
                )
                messages.success(request, "已办理")
                return redirect("screening:alert", pk=alert.pk)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, getattr(exc, "message", None) or str(exc))
    else:
        form = TransitionForm(initial={"version": alert.version})
    village_households = None
    if alert.household_id is None:
        village_households = (
            scope.scoped(request.user, Household).filter(village=alert.village).order_by("number")[:500]
        )
    return render(
        request,
        "screening/alert_detail.html",
        {
            "alert": alert,
            "evidence": alert_evidence.full(alert),  # every cited record (evidence.py)
            "form": form,
            "actions": workflow.available(alert, request.user),
            "village_households": village_households,
            "rule": rules.RULES.get(alert.rule),
            "source_labels": SOURCE_LABELS,
            "notes": alert.notes.select_related("author"),
            "corrections": alert.corrections.all(),
            "note_form": note_form,
            "can_note": not request.user.is_read_only,
        },
    )


class UploadForm(forms.Form):
    source = forms.ChoiceField(label="数据类别")
    file = forms.FileField(label="文件（.csv 或 .xlsx）")
    dry_run = forms.BooleanField(label="只校验，不导入", required=False)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s, feed_specs.SPECS[s].title) for s in sources]


@staff_view(page="screening.feeds")
def feed_list(request):
    sources = services.sources_for(request.user)
    form = UploadForm(sources=sources)
    result = None
    if request.method == "POST":
        if not sources:
            raise PermissionDenied("您的角色不能上传部门数据")
        form = UploadForm(request.POST, request.FILES, sources=sources)
        if form.is_valid():
            upload, d = form.cleaned_data["file"], form.cleaned_data
            if not services.may_upload(request.user, d["source"]):
                form.add_error("source", "只能上传本部门的数据")
            else:
                suffix = Path(upload.name).suffix.lower()
                token = storage.upload_save(user=request.user, filename=upload.name, chunks=upload.chunks())
                job = job_services.job_enqueue(
                    actor=request.user,
                    kind=jobs.FEED_IMPORT,
                    upload=token,
                    label=f"{'校验' if d['dry_run'] else '导入'}{feed_specs.SPECS[d['source']].title}：{upload.name}",
                    payload={
                        "source": d["source"],
                        "file_name": upload.name,
                        "dry_run": d["dry_run"],
                        "suffix": suffix if suffix in {".csv", ".xlsx"} else ".csv",
                    },
                )
                if job.state == JobState.FAILED:
                    form.add_error("file", job.error)
                elif job.state != JobState.DONE:
                    messages.success(request, f"文件已提交后台处理（任务 #{job.pk}），完成后在“后台任务”中查看结果")
                    return redirect("jobs:detail", pk=job.pk)
                else:
                    result = job.result
                    if result["ok"] and not d["dry_run"]:
                        messages.success(
                            request,
                            f"导入完成：新增 {result['new']}，更新 {result['changed']}，"
                            f"重复 {result['duplicates']}，未匹配 {result['unmatched']}",
                        )
                        return redirect("screening:feeds")
    files = selectors.feeds_for(request.user)[:100]
    return render(
        request,
        "screening/feeds.html",
        {"form": form, "files": files, "result": result, "specs": [feed_specs.SPECS[s] for s in sources]},
    )


@staff_view(page="screening.feeds")
def feed_template(request, source):
    if source not in feed_specs.SPECS:
        from django.http import Http404

        raise Http404("未知数据类别")
    response = HttpResponse(feeds.template_csv(source), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename={source}-template.csv"
    return response


class RunForm(forms.Form):
    """筛查 from the page is previewed first (a 筛查预演 run); its page's confirm button posts the
    same date and parameters with ``confirm`` to issue the alerts."""

    kind = forms.ChoiceField(
        label="类型", choices=[(RunKind.SCREEN, "筛查（先预演）"), (RunKind.SIMULATE, RunKind.SIMULATE.label)]
    )
    as_of = forms.DateField(label="筛查基准日", widget=forms.DateInput(attrs={"type": "date"}))
    threshold = forms.DecimalField(label="模拟监测标准（元/人·年）", required=False, min_value=0, decimal_places=2)
    params = forms.CharField(
        label="本次参数覆盖",
        required=False,
        help_text="每行一个，如 income.threshold=6500",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == RunKind.SIMULATE and data.get("threshold") is None:
            self.add_error("threshold", "政策模拟须填写监测标准")
        overrides = {}
        for line in (data.get("params") or "").splitlines():
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep:
                self.add_error("params", f"格式应为 RULE.NAME=VALUE：{line}")
                continue
            overrides[name.strip()] = value.strip()
        try:
            rules.effective_parameters({}, overrides)
        except ValueError as exc:
            self.add_error("params", str(exc))
        data["overrides"] = overrides
        return data


@staff_view(page="screening.runs")
def run_list(request):
    form = RunForm(initial={"as_of": timezone.localdate(), "kind": RunKind.SCREEN})
    if request.method == "POST":
        scope.require_write(request.user, None, "screening.run.request")
        form = RunForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            kind = d["kind"]
            if kind == RunKind.SCREEN and not request.POST.get("confirm"):
                kind = RunKind.PREVIEW
            run = services.run_request(
                actor=request.user,
                kind=kind,
                as_of=d["as_of"],
                overrides=d["overrides"],
                threshold=d["threshold"] if d["kind"] == RunKind.SIMULATE else None,
            )
            return redirect("screening:run", pk=run.pk)
    job_services.jobs_recover_for_page()  # a run whose process died shows as 失败 here, so it can be started again
    return render(
        request,
        "screening/runs.html",
        {
            "form": form,
            "runs": selectors.runs_for(request.user)[:50],
            "can_start": scope.can_write(request.user, None, "screening.run.request"),
            "runner": settings.SCREENING_RUNNER,
        },
    )


@staff_view(model=Run, page="screening.runs")
def run_detail(request, run):
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and job_services.jobs_recover_for_page():
        run.refresh_from_db()
    return render(
        request,
        "screening/run_detail.html",
        {
            "run": run,
            "runner": settings.SCREENING_RUNNER,
            "rule_names": {**{c: r.name for c, r in rules.RULES.items()}, **rules.EXTRA_CODES},
            "can_confirm": scope.can_write(request.user, None, "screening.run.request")
            and run.kind == RunKind.PREVIEW
            and run.status == RunStatus.DONE,
            "params_text": "\n".join(f"{k}={v}" for k, v in (run.overrides or {}).items()),
        },
    )


class ParamsForm(forms.Form):
    note = forms.CharField(label="修改说明", max_length=200)

    def __init__(self, *args, ruleset, **kwargs):
        super().__init__(*args, **kwargs)
        for code, rule in rules.RULES.items():
            spec = ruleset.rules.get(code, {})
            self.fields[f"{code}__enabled"] = forms.BooleanField(
                label=f"启用：{rule.name}", required=False, initial=spec.get("enabled", True)
            )
            for name in rule.params:
                value = spec.get("params", {}).get(name, rule.params[name])
                self.fields[f"{code}.{name}"] = forms.DecimalField(
                    label=f"{rule.name} · {code}.{name}", initial=value, min_value=0, decimal_places=4
                )


@staff_view(page="screening.rules")
def ruleset_view(request):
    year = int(request.GET.get("year") or timezone.localdate().year)
    ruleset = services.ruleset_current(year)
    form = ParamsForm(ruleset=ruleset)
    if request.method == "POST":
        scope.require_write(request.user, None, "screening.ruleset.update")
        form = ParamsForm(request.POST, ruleset=ruleset)
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if "." in k}
            enabled = {k.split("__")[0]: v for k, v in form.cleaned_data.items() if k.endswith("__enabled")}
            new = services.ruleset_update(
                actor=request.user, year=year, changes=changes, enabled=enabled, note=form.cleaned_data["note"]
            )
            messages.success(request, f"已保存为第 {new.version} 版")
            return redirect(f"{reverse('screening:rules')}?year={year}")
    versions = selectors.rulesets_for(request.user).filter(year=year)[:20]
    return render(
        request,
        "screening/rules.html",
        {
            "ruleset": ruleset,
            "form": form,
            "versions": versions,
            "rules": rules.RULES,
            "year": year,
            "can_edit": scope.can_write(request.user, None, "screening.ruleset.update"),
        },
    )
