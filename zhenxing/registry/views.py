from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_POST

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit import services as audit
from zhenxing.audit.exports import export_response
from zhenxing.jobs import selectors as job_selectors
from zhenxing.jobs import services as job_services
from zhenxing.jobs import storage
from zhenxing.jobs.models import JobState
from zhenxing.lib.forms import service_errors_to_form
from zhenxing.lib.modules import household_links
from zhenxing.lib.pagination import count_capped

from . import idnumber, jobs, selectors, services, spreadsheets
from .forms import HouseholdFilterForm, HouseholdForm, ImportForm, IncomeForm, MemberChangeForm, MemberForm
from .models import Household, Member, MemberStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 100_000  # households in one file; narrow the filter for more


def id_search_params(data) -> str:
    """The list's query string with an ID number in ``q`` replaced by its keyed hash (``idh``)."""
    params = data.copy()
    params.pop("csrfmiddlewaretoken", None)
    params.pop("cursor", None)
    number = idnumber.full_id(params.get("q", ""))
    if number:
        params.pop("q")
        params["idh"] = idnumber.id_hash(number)
    return params.urlencode()


def _without_reveal(data) -> str:
    params = data.copy()
    params.pop("reveal", None)
    return params.urlencode()


def _filter_form(request):
    # ?region= is resolved before the form: a code outside the scope (or unknown, or above the
    # user) answers 404 instead of failing validation, which would drop every filter and show
    # the user's whole list under a dashboard link meant for one region.
    form = HouseholdFilterForm(request.GET or None, user=request.user, region=scope.region_param(request))
    return form, form.filters()


@staff_view(page="registry.list")
def household_list(request):
    if request.method == "POST":  # the search form posts, so an ID number never appears in a URL or log
        return redirect(reverse("registry:list") + "?" + id_search_params(request.POST))
    if idnumber.full_id(request.GET.get("q", "")):
        # an ID number typed into the address bar (or an old bookmark): answered from its keyed hash,
        # so the page's own links (next page, export) and the browser history never carry it
        return redirect(reverse("registry:list") + "?" + id_search_params(request.GET))
    form, filters = _filter_form(request)
    qs = selectors.household_search(user=request.user, filters=filters).select_related("village")
    rows, nxt = selectors.keyset_page(
        qs, sort=filters.sort, cursor=request.GET.get("cursor", ""), villages=filters.village_ids
    )
    count, capped = count_capped(qs)
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "households": rows,
            "next_cursor": nxt,
            "count": count,
            "capped": capped,
            "can_write": scope.can_write(request.user, None, "registry.household.create"),
            "can_reveal": scope.may(request.user, "registry.id.reveal"),
            "querystring": request.GET.urlencode(),
            "region_filter": filters.region,
        },
    )


@staff_view()
def household_export(request):
    """GET: the list as .xlsx, ID numbers masked. POST (the list's form, filters in the query
    string) with a ``reason``: the full ID numbers, for an account allowed to reveal them, the
    reason in the audit entries. A GET never carries full numbers out."""
    form, filters = _filter_form(request)
    qs = selectors.household_search(user=request.user, filters=filters)
    reveal = request.method == "POST"
    reason = request.POST.get("reason", "").strip()[:200]
    if reveal:
        scope.require_page(request.user, "registry.id.reveal")
        if not reason:
            messages.error(request, "导出完整身份证号须填写导出理由（记入审计日志）。")
            return redirect(reverse("registry:list") + "?" + request.GET.urlencode())
    elif request.GET.get("reveal") == "1":
        messages.error(request, "导出完整身份证号须在列表页填写理由后提交，不能通过链接导出。")
        return redirect(reverse("registry:list") + "?" + _without_reveal(request.GET))
    if qs.order_by()[: EXPORT_LIMIT + 1].count() > EXPORT_LIMIT:
        messages.error(request, f"导出范围超过{EXPORT_LIMIT:,}户，请先按县、乡镇或村筛选后再导出。")
        return redirect(reverse("registry:list") + "?" + request.GET.urlencode())
    region = filters.region or request.user.region
    title = spreadsheets.export_title(region.full_name())
    rows = selectors.export_rows(qs)
    if not (reveal or scope.may(request.user, "registry.phone.full")):  # phones masked like the IDs
        rows = ({**row, "phone": services.phone_mask(row["phone"])} if row.get("phone") else row for row in rows)
    sheet = spreadsheets.export_sheet(title=title, rows=rows, reveal=idnumber.decrypt if reveal else None)
    response = export_response(
        request,
        sheet,
        filename=f"households-{dt.date.today():%Y%m%d}.xlsx",
        rows_key=None,
        audit_extra={
            "what": "农户及家庭成员",
            "filters": request.GET.dict(),
            "reveal_id": reveal,
            **({"reason": reason} if reveal else {}),
        },
    )
    if reveal:
        audit.event_log(
            action="reveal_id",
            actor=request.user,
            request=request,
            extra={"what": "导出完整身份证号和联系电话", "filters": request.GET.dict(), "reason": reason},
        )
    return response


@staff_view(model=Household)
def household_detail(request, household):
    members = list(household.members.order_by("status", "pk"))
    incomes = list(household.incomes.order_by("-year"))
    changes = list(household.member_changes.select_related("member", "from_household").order_by("-date", "-pk")[:100])
    timeline = selectors.household_timeline(user=request.user, household=household)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "incomes": incomes,
            "changes": changes,
            "timeline": timeline,
            "village": household.village,
            "can_write": scope.can_write(request.user, household, "registry.household.edit"),
            "can_reveal": scope.may(request.user, "registry.id.reveal"),
            "phone": services.phone_for(request.user, household.phone),
            "can_reveal_phone": bool(household.phone)
            and not scope.may(request.user, "registry.phone.full")
            and scope.may(request.user, "registry.phone.reveal"),
            "links": household_links(request.user, household),
        },
    )


@staff_view(write="registry.household.create")
def household_create(request):
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, f"已建档：户编号 {household.number}。请继续添加家庭成员。")
            return redirect("registry:member_add", pk=household.pk)
    return render(request, "registry/form.html", {"form": form, "title": "新建农户档案"})


@staff_view(model=Household, write="registry.household.edit")
def household_edit(request, household):
    form = HouseholdForm(request.POST or None, instance=Household.objects.get(pk=household.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.HOUSEHOLD_EDITABLE}
        try:
            services.household_update(actor=request.user, household=household, **data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("registry:household", pk=household.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": f"修改农户档案 {household.number}", "household": household},
    )


@staff_view(model=Household, write="registry.household.edit")
def member_add(request, household):
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "已添加家庭成员。")
            return redirect("registry:household", pk=household.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": f"添加家庭成员（户编号 {household.number}）", "household": household},
    )


@staff_view(model=Household, write="registry.household.edit")
def income_edit(request, household):
    latest = household.incomes.order_by("-year").first()
    initial = {"year": dt.date.today().year - 1}
    if latest is not None:
        initial = {"year": latest.year, **{f: getattr(latest, f) for f in services.INCOME_FIELDS}}
    form = IncomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        year = data.pop("year")
        try:
            services.income_set(actor=request.user, household=household, year=year, **data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, f"已保存{year}年收入。")
            return redirect("registry:household", pk=household.pk)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": f"填报家庭收入（户编号 {household.number}）", "household": household},
    )


@staff_view(model=Member, write="registry.household.edit")
def member_change(request, member):
    form = MemberChangeForm(request.POST or None, user=request.user)
    if member.status != MemberStatus.ACTIVE:
        messages.error(request, f"该成员已{member.get_status_display()}，不能再变动。")
        return redirect("registry:household", pk=member.household_id)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["kind"] == "death":
                services.member_record_death(actor=request.user, member=member, date=d["date"], reason=d["reason"])
            elif d["kind"] == "leave":
                services.member_record_leave(actor=request.user, member=member, date=d["date"], reason=d["reason"])
            else:
                services.member_move(
                    actor=request.user,
                    member=member,
                    to_household=d["to_household"],
                    date=d["date"],
                    reason=d["reason"],
                    relation=d["relation"],
                )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "已记录成员变动。")
            return redirect("registry:household", pk=member.household_id)
    return render(
        request,
        "registry/form.html",
        {"form": form, "title": f"成员变动：{member.name}", "household": member.household},
    )


@staff_view(model=Member, page="registry.id.reveal")
@require_POST
def member_reveal(request, member):
    number = services.id_reveal(actor=request.user, member=member, request=request)
    return HttpResponse(f'<span class="id-full">{number}</span>')


@staff_view(model=Household, page="registry.phone.reveal")
@require_POST
def household_phone_reveal(request, household):
    phone = services.phone_reveal(actor=request.user, household=household, request=request)
    return HttpResponse(f'<span class="phone-full">{escape(phone)}</span>')


@staff_view()
def template_download(request):
    response = HttpResponse(spreadsheets.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="household-template.xlsx"'
    return response


@staff_view(write="registry.household.import")
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        only_valid = form.cleaned_data["only_valid"]
        mapping = form.cleaned_data["mapping"]
        token = storage.upload_save(
            user=request.user, filename=f.name, chunks=f.chunks(), meta={"only_valid": only_valid}
        )
        job_services.job_enqueue(
            actor=request.user,
            kind=jobs.PREVIEW,
            label=f"校验农户导入文件：{f.name}",
            payload={"filename": f.name, "only_valid": only_valid, "mapping": mapping},
            upload=token,
        )
        return redirect("registry:import_job", token=token)
    return render(request, "registry/import_upload.html", {"form": form})


def _job_view(request, job) -> dict:
    if job.state == JobState.RUNNING and job_services.jobs_recover_for_page():
        job.refresh_from_db()
    return {
        "state": job.state,
        "filename": job.payload.get("filename", ""),
        "only_valid": job.payload.get("only_valid", False),
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "job": job,
    }


@staff_view(write="registry.household.import")
def import_job(request, token):
    """The upload's preview job (its progress, then the dry run's result), then, after POST (the
    user confirms a finished preview), the commit job's progress and result."""
    job = job_selectors.job_by_upload(request.user, token, kind=jobs.IMPORT)
    preview = None if job is not None else job_selectors.job_by_upload(request.user, token, kind=jobs.PREVIEW)
    if job is None and preview is None:
        raise Http404("导入任务不存在或已过期，请重新上传")
    if request.method == "POST":
        if job is None and preview.state == JobState.DONE and "unreadable" not in preview.result.get("preview", {}):
            if storage.upload_meta(token, user=request.user) is None:
                raise Http404("上传的文件已过期，请重新上传")
            job_services.job_enqueue(
                actor=request.user,
                kind=jobs.IMPORT,
                label=f"导入农户：{preview.payload.get('filename', '')}",
                payload={
                    "filename": preview.payload.get("filename", ""),
                    "only_valid": preview.payload.get("only_valid", False),
                    "mapping": preview.result.get("mapping", ""),
                },
                upload=token,
            )
        return redirect("registry:import_job", token=token)
    if job is None:
        view = {**_job_view(request, preview), "previewing": True}
        if preview.state == JobState.DONE:
            view.update(state="uploaded", preview=preview.result.get("preview") or {})
        elif preview.state == JobState.FAILED:
            view.update(state="uploaded", preview={"unreadable": preview.error, "errors": []})
    else:
        view = _job_view(request, job)
        view["report"] = job.result.get("report") or (jobs.failed_report(job.error) if job.error else None)
    current = job or preview
    template = "registry/import_progress.html" if request.headers.get("HX-Request") else "registry/import_job.html"
    response = render(
        request,
        template,
        {"job": view, "token": token, "percent": current.percent, "list_url": reverse("registry:list")},
    )
    if request.headers.get("HX-Request") and view["state"] == "uploaded":
        response["HX-Refresh"] = "true"  # the preview is ready: the whole page shows it
    return response
