from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.services import event_log
from zhenxing.jobs import services as job_services
from zhenxing.jobs.models import JobState
from zhenxing.lib.modules import indicators
from zhenxing.regions.models import Region

from . import jobs, reports, selectors
from .models import Report, ReportKind
from .templatetags.dashboard_tags import format_figure


def _on(request) -> dt.date:
    raw = request.GET.get("date", "")
    if raw:
        try:
            return min(dt.date.fromisoformat(raw), timezone.localdate())
        except ValueError:
            messages.error(request, _("日期格式应为 年-月-日，已显示最新数据"))
    return timezone.localdate()


def _chain(user, node):
    return [r for r in node.ancestors() if scope.region_in_scope(user, r)]


def _chart_data(b: selectors.Board, on_param: str) -> list[dict]:
    """Per section: each indicator's values for the children (drill-down targets) or, at a village,
    the node's own figures."""
    suffix = f"?date={on_param}" if on_param else ""
    charts = []
    for name, rows in b.sections:
        inds = [r.indicator for r in rows]
        series = []
        for ind in inds:
            if b.children:
                points = [
                    {
                        "name": c.display_name,
                        "value": _num(b.child_cells.get(c.pk, {}).get(ind.code)),
                        "url": reverse("dashboard:region", args=[c.code]) + suffix,
                        "label": format_figure(
                            getattr(b.child_cells.get(c.pk, {}).get(ind.code), "value", None), ind.unit
                        ),
                    }
                    for c in b.children
                ]
            else:
                row = next(r for r in rows if r.indicator is ind)
                points = [
                    {
                        "name": b.node.display_name,
                        "value": _num(row.cell),
                        "url": row.cell.evidence_url,
                        "label": format_figure(row.cell.value, ind.unit),
                    }
                ]
            series.append(
                {"code": ind.code, "name": ind.name, "unit": ind.unit, "percent": ind.unit == "%", "points": points}
            )
        charts.append({"section": name, "series": series})
    return charts


def _num(cell) -> float | None:
    if cell is None or cell.value is None:
        return None
    return float(cell.value)


def _render_board(request, node: Region):
    on = _on(request)
    b = selectors.board(request.user, node, on)
    on_param = request.GET.get("date", "") if b.date and b.date < timezone.localdate() else ""
    return render(
        request,
        "dashboard/board.html",
        {
            "b": b,
            "node": node,
            "chain": _chain(request.user, node),
            "on": on,
            "on_param": on_param,
            "charts": _chart_data(b, on_param),
            "lagging": b.lagging(),
            "can_refresh": scope.can_write(request.user, None, "dashboard.snapshot.refresh"),
            "today": timezone.localdate(),
        },
    )


@staff_view(page="dashboard.home")
def home(request):
    return _render_board(request, request.user.region)


@staff_view(model=Region, url_kwarg="code", lookup="code")
def region(request, node):
    return _render_board(request, node)


@staff_view(model=Region, url_kwarg="code", lookup="code")
def figure(request, node):
    """One indicator at one node: its definition, its month-end history and the children ranked."""
    ind = indicators().get(request.GET.get("i", ""))
    if ind is None:
        return redirect("dashboard:region", code=node.code)
    on = _on(request)
    b = selectors.board(request.user, node, on)
    row = next((r for _, rows in b.sections for r in rows if r.indicator.code == ind.code), None)
    hist = selectors.history(request.user, node, ind, until=b.date or on)
    chart = [
        {
            "section": ind.name,
            "series": [
                {
                    "code": ind.code,
                    "name": ind.name,
                    "unit": ind.unit,
                    "percent": ind.unit == "%",
                    "points": [
                        {
                            "name": f"{d.year}年{d.month}月",
                            "value": float(c.value) if c.value is not None else None,
                            "label": format_figure(c.value, ind.unit),
                            "url": "",
                        }
                        for d, c in hist
                    ],
                }
            ],
        }
    ]
    return render(
        request,
        "dashboard/figure.html",
        {
            "ind": ind,
            "node": node,
            "b": b,
            "row": row,
            "history": hist,
            "chart": chart,
            "ranking": b.ranking(ind) if b.children else [],
            "chain": _chain(request.user, node),
            "ranked": selectors.ranked(ind),
        },
    )


@staff_view(write="dashboard.snapshot.refresh")
@require_POST
def refresh(request):
    today = timezone.localdate()
    job = job_services.job_enqueue(
        actor=request.user,
        kind=jobs.SNAPSHOT,
        payload={"date": today.isoformat()},
        label=_("刷新 %(date)s 全部指标") % {"date": today.isoformat()},
    )
    _job_message(request, job, done=lambda: _("已重新计算今日全部指标（%(n)s 项）") % {"n": job.result["rows"]})
    return redirect(request.POST.get("next") or reverse("dashboard:home"))


def _job_message(request, job, *, done) -> None:
    """What became of a job the page started: its outcome if it ran at once, else where to follow it."""
    if job.state == JobState.DONE:
        messages.success(request, done())
    elif job.state == JobState.FAILED:
        messages.error(request, job.error)
    else:
        messages.success(request, _("已提交后台处理（任务 #%(pk)s），完成后可在“后台任务”中查看") % {"pk": job.pk})


# ---- reports -----------------------------------------------------------------------------------


@staff_view(page="dashboard.reports")
def report_list(request):
    qs = scope.scoped(request.user, Report).select_related("region", "created_by")
    regions = scope.regions(request.user).order_by("path")
    if request.user.region.depth < 3:  # above a township, the villages would make the list too long
        regions = regions.exclude(level="village")
    if request.method == "POST":
        if request.user.is_read_only:
            raise PermissionDenied(_("督查账户为只读账户"))
        try:
            node = scope.get_object_or_404(request.user, Region, code=request.POST.get("region", ""))
            kind, start, end = reports.parse_period(request.POST.get("period", ""))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("dashboard:reports")
        job = job_services.job_enqueue(
            actor=request.user,
            kind=jobs.REPORT,
            region=node,
            payload={"kind": kind, "start": start.isoformat(), "end": end.isoformat()},
            label=_("生成报告：%(region)s %(period)s")
            % {"region": node.name, "period": request.POST.get("period", "")},
        )
        _job_message(request, job, done=lambda: _("已生成：%(report)s") % {"report": job.result["name"]})
        return redirect("dashboard:reports")
    today = timezone.localdate()
    last_month = selectors.month_end_before(today)
    return render(
        request,
        "dashboard/reports.html",
        {
            "reports": qs[:200],
            "regions": regions,
            "default_period": f"{last_month:%Y-%m}",
            "read_only": request.user.is_read_only,
            "kinds": ReportKind,
        },
    )


@staff_view(model=Report)
def report_download(request, report, fmt):
    f = getattr(report, fmt, None)
    if not f:
        raise Http404(_("该格式的文件不存在"))
    event_log(action="export", actor=request.user, obj=report, extra={"format": fmt})
    try:
        handle = f.open("rb")
    except FileNotFoundError:
        raise Http404(_("报告文件已不存在，请重新生成")) from None
    name = f"{report.region.name}{report.period_label}{report.get_kind_display()}.{fmt}"
    return FileResponse(handle, as_attachment=True, filename=name)
