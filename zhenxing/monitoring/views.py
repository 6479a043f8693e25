"""Pages of the monitoring module: thin — parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenxing import workflow as engine
from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages
from zhenxing.lib.pagination import count_capped
from zhenxing.regions.models import Level, Region
from zhenxing.registry.models import Household
from zhenxing.registry.services import phone_for

from . import applications, bulk, exports, forms, postings, rules, selectors, services, standards, visits, workflow
from .models import (
    Application,
    ApplicationStatus,
    Evidence,
    Helper,
    Measure,
    MeasureStatus,
    MonitoringCase,
    YearStandard,
)

PAGE = 50


# --- case list and export --------------------------------------------------------------------


def _bulk(request):
    """批量办理 from the list page: 审核通过 (the user's level's step) or 催办 on the ticked cases;
    each case is refused or done on its own, and the page lists the refusals by case."""
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    cases, refused = engine.scoped_records(request.user, MonitoringCase, ids)
    try:
        result = bulk.cases_bulk(
            actor=request.user,
            cases=cases,
            action=request.POST.get("bulk_action", ""),
            note=request.POST.get("note", ""),
            refused=refused,
        )
    except ValidationError as exc:
        service_errors_to_messages(request, exc)
        return
    numbers = {c.pk: c.number for c in cases}  # an id out of scope is named by its id only
    messages.success(request, f"已办理 {len(result['done'])} 件")
    for pk, why in result["refused"].items():
        messages.warning(request, f"案件 {numbers.get(pk, pk)} 未办理：{why}")


@staff_view(page="monitoring.list")
def case_list(request):
    if request.method == "POST":
        scope.require_write(request.user, None, "monitoring.case.bulk")
        _bulk(request)
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    # ?region= first: a code outside the scope (or unknown, or above the user) answers 404 rather
    # than failing the form, which would drop every filter and list the user's whole scope. Every
    # node of the scope is a choice (the dashboard links with the user's own node too), so a code
    # that passes here never invalidates the form.
    region = scope.region_param(request)
    form = forms.CaseFilterForm(request.GET or None, user=request.user)
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.case_filter(
        request.user,
        kind=f.get("kind", ""),
        risk_type=f.get("risk_type", ""),
        state=f.get("state", ""),
        region=region,
        overdue=bool(f.get("overdue")),
        q=f.get("q", ""),
    )
    if request.GET.get("export") == "xlsx":
        ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()]
        if ids:  # 导出所选 (the bulk form): only the ticked cases, within the scope
            qs = qs.filter(pk__in=ids)
        return exports.cases_xlsx(request, qs, region=region or request.user.region)
    after = request.GET.get("after")  # keyset pagination on id (newest first)
    page_qs = qs.order_by("-id")
    if after and after.isdigit():
        page_qs = page_qs.filter(id__lt=int(after))
    rows = list(page_qs[: PAGE + 1])
    standards = selectors.Standards()
    for c in rows:
        c.due_info = selectors.case_due(c, standards)
    next_after = rows[PAGE - 1].id if len(rows) > PAGE else None
    total, capped = count_capped(qs)  # exact up to the cap, "超过" beyond: never a count of every case
    can_discover = scope.may(request.user, "monitoring.discover")
    return render(
        request,
        "monitoring/case_list.html",
        {
            "form": form,
            "cases": rows[:PAGE],
            "next_after": next_after,
            "total": total,
            "capped": capped,
            "can_discover": can_discover,
            "can_bulk": scope.can_write(request.user, None, "monitoring.case.bulk"),
            "bulk_actions": bulk.ACTIONS,
            "region_filter": region,
        },
    )


@staff_view(page="monitoring.discover")
def case_new(request):
    households = (
        scope.scoped(request.user, Household)
        .select_related("village")
        .exclude(monitoring_cases__state__in=workflow.OPEN_STATES)
        .order_by("village__code", "number")
    )
    # 登记发现 from a household's page arrives with ?household=<id> (the form still checks the scope).
    initial = {"household": request.GET.get("household", "")} if request.GET.get("household", "").isdigit() else {}
    form = forms.DiscoverForm(request.POST or None, households=households, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_discover(
                actor=request.user,
                household=d["household"],
                channel=d["channel"],
                risk_types=d["risk_types"],
                description=d["description"],
                discovered_on=d["discovered_on"],
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, f"已登记监测案件 {case.number}，请在时限内入户核实。")
            return redirect("monitoring:detail", pk=case.pk)
    return render(request, "monitoring/case_new.html", {"form": form})


# --- case detail and its actions -------------------------------------------------------------


def _detail_context(request, case, forms_by_name=None):
    user = request.user
    standards = selectors.Standards()
    standard = standards.for_year(case.discovered_on.year)
    transitions = workflow.available(case, user) if not user.is_read_only else []
    forms_by_name = forms_by_name or {}
    actions = [(t, forms_by_name.get(t.name) or forms.transition_form(t, case)) for t in transitions]
    evidence_preview = None
    if case.state == "monitored" and any(t.name == "propose_elimination" for t in transitions):
        standard_now = standards.for_year(timezone.localdate().year)
        if standard_now is not None:
            evidence_preview = _elimination_preview(case, standard_now)
    writer = scope.can_write(user, case, "monitoring.case.help") and case.is_open and case.state != "discovered"
    try:
        requirements = workflow.requirements(case) if transitions else []
    except ValidationError:  # no monitoring standard set yet: the steps say so when taken
        requirements = []
    return {
        "requirements": requirements,
        "case": case,
        "household": case.household,
        "due": selectors.case_due(case, standards),
        "standard": standard,
        "actions": actions,
        "events": case.events.select_related("actor").prefetch_related("evidence"),
        "measures": case.measures.all(),
        "visits": case.visits.select_related("helper").prefetch_related("evidence")[:20],
        "evidence": case.evidence.filter(event__isnull=True, visit__isnull=True),
        "members": case.household.members.filter(status="active"),
        "writer": writer,
        "measure_form": forms.MeasureForm(prefix="m"),
        "helper_form": forms.HelperAssignForm(helpers=Helper.objects.filter(village=case.village, active=True)),
        "evidence_form": forms.EvidenceForm(prefix="e"),
        "elimination": evidence_preview,
        "measure_statuses": MeasureStatus.choices,
        "can_visit": writer and (case.state in workflow.MONITORED_STATES or case.fast_track),
    }


def _elimination_preview(case, standard):
    on = timezone.localdate()
    return {
        "income": rules.income_evidence(case, on=on, standard=standard),
        "security": rules.security_errors(case.household, case),
        "labour": rules.labour_refusal(case),
        "holds": rules.open_holds(case),
        "measures": rules.measure_errors(case, elimination_way="assisted"),
        "warnings": rules.paper_exit_warnings_for(case, on=on, way="assisted", standard=standard),
        "standard": standard,
    }


@staff_view(model=MonitoringCase)
def case_detail(request, case):
    return render(request, "monitoring/case_detail.html", _detail_context(request, case))


@staff_view(model=MonitoringCase)
@require_POST
def case_act(request, case):
    name = request.POST.get("name", "")
    t = workflow.BY_NAME.get(name)
    if t is None:
        messages.error(request, "没有这项操作")
        return redirect("monitoring:detail", pk=case.pk)
    form = forms.transition_form(t, case, data=request.POST, files=request.FILES)
    if form.is_valid():
        d = dict(form.cleaned_data)
        files = [("photo", f) for f in d.pop("photos", []) or []] + [("scan", f) for f in d.pop("scans", []) or []]
        version = d.pop("version")
        d.pop("name")
        try:
            services.case_transition(actor=request.user, case=case, name=name, version=version, data=d, files=files)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("monitoring:detail", pk=case.pk)
        except ValidationError as exc:
            case.refresh_from_db()
            if t not in workflow.available(case, request.user):  # someone moved the case on meanwhile
                service_errors_to_messages(request, exc)
                return redirect("monitoring:detail", pk=case.pk)
            service_errors_to_form(form, exc)
        else:
            case.refresh_from_db()
            messages.success(request, f"已办理“{t.label}”，案件现为“{case.state_label}”。")
            return redirect("monitoring:detail", pk=case.pk)
    case.refresh_from_db()
    return render(request, "monitoring/case_detail.html", _detail_context(request, case, {name: form}), status=400)


@staff_view(model=MonitoringCase)
@require_POST
def case_helper(request, case):
    form = forms.HelperAssignForm(request.POST, helpers=Helper.objects.filter(village=case.village, active=True))
    if form.is_valid():
        try:
            services.case_assign_helper(actor=request.user, case=case, helper=form.cleaned_data["helper"])
            messages.success(request, "已明确帮扶责任人。")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, "请选择帮扶责任人")
    return redirect("monitoring:detail", pk=case.pk)


@staff_view(model=MonitoringCase)
@require_POST
def case_measure(request, case):
    form = forms.MeasureForm(request.POST, prefix="m")
    if form.is_valid():
        try:
            services.measure_add(actor=request.user, case=case, **form.cleaned_data)
            messages.success(request, "已登记帮扶措施。")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(
            request,
            "帮扶措施填写不完整："
            + "；".join(f"{form.fields[k].label}{v[0]}" for k, v in form.errors.items() if k in form.fields),
        )
    return redirect("monitoring:detail", pk=case.pk)


@staff_view(model=Measure)
@require_POST
def measure_status(request, measure):
    try:
        services.measure_set_status(actor=request.user, measure=measure, status=request.POST.get("status", ""))
        messages.success(request, "已更新措施进展。")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return redirect("monitoring:detail", pk=measure.case_id)


@staff_view(model=MonitoringCase)
@require_POST
def case_evidence(request, case):
    form = forms.EvidenceForm(request.POST, request.FILES, prefix="e")
    if form.is_valid():
        try:
            services.evidence_add(
                actor=request.user, case=case, kind=form.cleaned_data["kind"], f=form.cleaned_data["file"]
            )
            messages.success(request, "已上传佐证材料。")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, "请选择材料类型和文件")
    return redirect("monitoring:detail", pk=case.pk)


@staff_view(model=MonitoringCase)
def case_visit(request, case):
    """The phone page a helper fills in at the household."""
    form = forms.VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visits.visit_add(
                actor=request.user,
                case=case,
                date=d["date"],
                changes=d["changes"],
                per_capita_income=d["per_capita_income"],
                files=[("photo", f) for f in d["photos"]],
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "走访记录已保存。")
            return redirect("monitoring:detail", pk=case.pk)
    return render(request, "monitoring/visit_form.html", {"case": case, "form": form})


@staff_view(model=Evidence)
def evidence_file(request, evidence):
    return FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        filename=evidence.original_name,
        as_attachment=evidence.content_type == "application/pdf",
    )


# --- postings (公示) ---------------------------------------------------------------------------


@staff_view(page="monitoring.postings")
def posting_index(request):
    villages = (
        scope.regions(request.user)
        .filter(level=Level.VILLAGE)
        .filter(pk__in=selectors.cases(request.user).filter(state__in=workflow.POSTING_STATES).values("village"))
        .order_by("code")
    )
    return render(request, "monitoring/posting_index.html", {"villages": villages})


@staff_view(model=Region, url_kwarg="code", lookup="code")
def posting_page(request, village):
    data = postings.posting_data(request.user, village)
    if request.GET.get("format") == "pdf":
        pdf = postings.posting_pdf(data)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="posting-{village.code}.pdf"'
        return response
    return render(request, "monitoring/posting.html", data)


# --- yearly standard (prefecture admin) --------------------------------------------------------


@staff_view(page="monitoring.standards")
def standard_list(request):
    form = None
    if scope.can_write(request.user, None, "monitoring.standard.set"):
        year = request.GET.get("year") or request.POST.get("year")
        instance = YearStandard.objects.filter(year=year).first() if year and str(year).isdigit() else None
        form = forms.StandardForm(request.POST or None, instance=instance)
        if request.method == "POST" and form.is_valid():
            d = dict(form.cleaned_data)
            year = d.pop("year")
            try:
                standards.standard_save(actor=request.user, year=year, **d)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            else:
                messages.success(request, f"{year}年监测标准已保存。")
                return redirect("monitoring:standards")
    elif request.method == "POST":
        scope.require_write(request.user, None, "monitoring.standard.set")
    return render(request, "monitoring/standards.html", {"standards": YearStandard.objects.all(), "form": form})


# --- helpers -----------------------------------------------------------------------------------


@staff_view(page="monitoring.helpers")
def helper_list(request):
    villages = scope.regions(request.user).filter(level=Level.VILLAGE).order_by("code")
    form = forms.HelperForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "已登记帮扶责任人。")
            return redirect("monitoring:helpers")
    helpers = scope.scoped(request.user, Helper).select_related("village").order_by("village__code", "name")[:500]
    return render(
        request,
        "monitoring/helpers.html",
        {"helpers": helpers, "form": form, "can_add": scope.can_write(request.user, None, "monitoring.helper.create")},
    )


# --- self-applications inbox -------------------------------------------------------------------


@staff_view(page="monitoring.applications")
def application_list(request):
    apps = scope.scoped(request.user, Application).select_related("village", "case").order_by("-created_at")[:200]
    return render(request, "monitoring/applications.html", {"applications": apps})


@staff_view(model=Application, page="monitoring.applications")
def application_detail(request, application):
    households = (
        scope.scoped(request.user, Household)
        .filter(village=application.village)
        .exclude(monitoring_cases__state__in=workflow.OPEN_STATES)
        .order_by("number")
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                applications.application_close(
                    actor=request.user, application=application, note=request.POST.get("note", "")
                )
                messages.success(request, "已办结。")
            else:
                posted = request.POST.get("household", "").strip()
                household = households.filter(pk=posted).first() if posted.isdigit() else None
                if household is None:
                    raise ValidationError("请选择农户（未建档的须先在农户信息中建档）")
                case = applications.application_convert(
                    actor=request.user, application=application, household=household
                )
                messages.success(request, f"已转为监测案件 {case.number}。")
                return redirect("monitoring:detail", pk=case.pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            service_errors_to_messages(request, exc)
        return redirect("monitoring:application", pk=application.pk)
    can_act = application.status == ApplicationStatus.RECEIVED and scope.can_write(
        request.user, application, "monitoring.application.handle"
    )
    return render(
        request,
        "monitoring/application_detail.html",
        {"a": application, "can_act": can_act, "phone": phone_for(request.user, application.phone)},
    )
