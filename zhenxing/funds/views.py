"""Staff pages for projects and funds. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.accounts.models import User
from zhenxing.audit.exports import export_response
from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages
from zhenxing.lib.xlsx import dated_title
from zhenxing.registry.models import Household

from . import leakage, lifecycle, selectors, services, workflow
from .forms import (
    AllocationForm,
    AssignmentForm,
    BeneficiaryForm,
    FilterForm,
    MicroLoanForm,
    PaymentForm,
    ProjectEditForm,
    ProjectForm,
    PublishForm,
    RepaymentForm,
    TransitionForm,
)
from .models import Allocation, Disclosure, LeakageFinding, MicroLoan, Payment, Project, StaffIdentity


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@staff_view(page="funds.figures")
def figures(request):
    """资金总览: a county's (or the prefecture's) figures for a year."""
    year = _year(request)
    counties = selectors.counties(request.user)
    allowed = {c.code: c for c in counties}
    node = request.user.region
    if node is not None and node.depth <= 1:
        allowed[node.code] = node
    code = request.GET.get("region")
    if code:
        region = allowed.get(code)
        if region is None:  # a township or village: the figures are kept by county, so its county's
            below = scope.region_by_code(request.user, code)  # 404 outside the scope
            region = next((c for c in counties if below.path.startswith(c.path)), None)
        if region is None:
            raise Http404("区划不在您的数据权限范围内")
    else:
        region = node if node is not None and node.depth <= 1 else (counties[0] if counties else None)
    f = selectors.figures(region, year) if region is not None else None
    counts = selectors.county_beneficiary_counts(region, year) if region is not None else {}
    return render(
        request, "funds/figures.html", {"f": f, "counties": counties, "year": year, "region": region, "counts": counts}
    )


@staff_view(page="funds.projects")
def project_list(request):
    form = FilterForm(request.GET or None)
    qs = selectors.projects(request.user).order_by("-year", "code")
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(name__contains=d["q"]) | Q(code__contains=d["q"]))
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["type"]:
            qs = qs.filter(type=d["type"])
        if d["year"]:
            qs = qs.filter(year=d["year"])
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename="项目库.xlsx",
            title=dated_title(request.user.region, "巩固衔接项目库"),
            audit_extra={"kind": "projects", "region": getattr(request.user.region, "code", "")},
            columns=PROJECT_EXPORT_COLUMNS,
            rows=(project_row(p) for p in qs[:50000]),
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    can_declare = scope.can_write(request.user, None, "funds.project.declare")
    return render(request, "funds/project_list.html", {"form": form, "page": page, "can_declare": can_declare})


PROJECT_EXPORT_COLUMNS = [
    "项目编号",
    "项目名称",
    "项目类型",
    "建设性质",
    "县",
    "村",
    "入库年度",
    "计划年度",
    "计划开工",
    "计划完工",
    "责任单位",
    "建设任务",
    "概算投资",
    "资金来源",
    "计划受益户数",
    "计划受益人数",
    "绩效目标",
    "利益联结机制",
    "状态",
    "已安排资金",
    "已支付",
]


def project_row(p: Project) -> list:
    return [
        p.code,
        p.name,
        str(p.get_type_display()),
        str(p.get_build_type_display() or ""),
        p.county.name,
        p.village.name,
        p.year,
        p.plan_year or "",
        str(p.start_planned or ""),
        str(p.end_planned or ""),
        p.responsible_unit,
        p.tasks,
        float(p.budget),
        p.funding_sources,
        p.planned_households,
        p.planned_people,
        p.performance_targets,
        p.benefit_mechanism,
        str(p.get_status_display()),
        float(p.assigned_total),
        float(p.paid_total),
    ]


@staff_view(write="funds.project.declare")
def project_new(request):
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            p = services.project_create(
                actor=request.user,
                village=data.pop("village"),
                code=data.pop("code"),
                **{k: v for k, v in data.items() if v is not None},
            )
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, f"项目 {p.code} 已申报")
            return redirect("funds:project", pk=p.pk)
    return render(request, "funds/project_form.html", {"form": form})


@staff_view(model=Project, page="funds.projects")
def project_detail(request, project):
    steps = [
        (t, TransitionForm(initial={"to": t.target, "version": project.version}))
        for t in workflow.available(project, request.user)
    ]
    missing = lifecycle.missing_fields(project)
    counts = selectors.beneficiary_counts(Project.objects.filter(pk=project.pk)).get(project.pk, {})
    money_role = scope.can_write(request.user, None, "funds.money.write")
    return render(
        request,
        "funds/project_detail.html",
        {
            "p": project,
            "steps": steps,
            "missing": missing,
            "counts": counts,
            "next": workflow.next_step(project.status),
            "transitions": project.transitions.select_related("actor"),
            "assignments": project.assignments.select_related("allocation"),
            "payments": project.payments.all()[:100],
            "payment_count": project.payments.count(),
            "beneficiaries": project.beneficiaries.select_related("household__village"),
            "findings": scope.scoped(request.user, LeakageFinding).filter(project=project),
            "assets": project.assets.all(),
            "payment_form": PaymentForm() if money_role else None,
            "can_edit": scope.can_write(request.user, project, "funds.project.declare")
            and project.status in services.EDITABLE_STATUSES,
            "beneficiary_form": BeneficiaryForm()
            if scope.can_write(request.user, project, "funds.project.declare")
            else None,
        },
    )


@staff_view(model=Project, write="funds.project.declare")
def project_edit(request, project):
    """修改项目信息: only while the project is editable (before county approval); the service decides."""
    if project.status not in services.EDITABLE_STATUSES and request.method != "POST":
        messages.error(request, "项目已审定入库，信息已锁定，不能修改")
        return redirect("funds:project", pk=project.pk)
    form = ProjectEditForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in services.PROJECT_FIELDS}
        project.refresh_from_db()  # the form wrote its values onto the instance; the service sets them itself
        try:
            services.project_update(actor=request.user, project=project, **fields)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"项目 {project.code} 信息已修改")
            return redirect("funds:project", pk=project.pk)
    return render(request, "funds/project_edit.html", {"form": form, "p": project})


@staff_view(model=Project)
def project_transition(request, project):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写日期和依据")
        return redirect("funds:project", pk=project.pk)
    d = form.cleaned_data
    try:
        services.project_transition(
            actor=request.user,
            project=project,
            to=d["to"],
            date=d["date"],
            evidence=d["evidence"],
            note=d["note"],
            expected_version=d["version"],
        )
    except (ValidationError, PermissionDenied) as exc:
        service_errors_to_messages(request, exc)
    else:
        messages.success(request, "已办理")
    return redirect("funds:project", pk=project.pk)


@staff_view(model=Project)
def project_payment(request, project):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_create(actor=request.user, project=project, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, "支付已登记")
    else:
        messages.error(request, "请完整填写支付信息")
    return redirect("funds:project", pk=project.pk)


@staff_view(model=Project)
def project_beneficiary(request, project):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = BeneficiaryForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        household = scope.scoped(request.user, Household).filter(number=d["household_number"]).first()
        if household is None:
            messages.error(request, f"户编号 {d['household_number']} 不在农户库或不在您的数据权限范围内")
        else:
            try:
                services.beneficiary_add(
                    actor=request.user,
                    project=project,
                    household=household,
                    way=d["way"],
                    year=d["year"],
                    amount=d["amount"],
                )
            except (ValidationError, PermissionDenied) as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, "受益农户已登记")
    return redirect("funds:project", pk=project.pk)


@staff_view(page="funds.allocations")
def allocation_list(request):
    qs = scope.scoped(request.user, Allocation).select_related("county").order_by("-year", "county__code", "issued_on")
    can_add = scope.can_write(request.user, None, "funds.money.write")
    form = AllocationForm(request.POST or None, user=request.user) if can_add else None
    if request.method == "POST":
        scope.require_write(request.user, None, "funds.money.write")
        if form.is_valid():
            try:
                a = services.allocation_create(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, f"资金 {a.document_number} 已登记")
                return redirect("funds:allocation", pk=a.pk)
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename="资金下达.xlsx",
            title=dated_title(request.user.region, "衔接资金下达情况"),
            audit_extra={"kind": "allocations", "region": getattr(request.user.region, "code", "")},
            columns=ALLOCATION_COLUMNS,
            rows=(
                [
                    a.county.name,
                    a.year,
                    str(a.get_source_display()),
                    a.document_number,
                    a.title,
                    str(a.issued_on),
                    float(a.amount),
                    float(a.assigned_total),
                ]
                for a in qs
            ),
        )
    return render(request, "funds/allocation_list.html", {"allocations": qs, "form": form})


ALLOCATION_COLUMNS = ["县", "年度", "资金来源", "文号", "文件标题", "下达日期", "下达金额", "已安排到项目"]


@staff_view(model=Allocation, page="funds.allocations")
def allocation_detail(request, allocation):
    can_assign = scope.can_write(request.user, allocation, "funds.money.write")
    form = AssignmentForm(request.POST or None, user=request.user, allocation=allocation) if can_assign else None
    if request.method == "POST":
        scope.require_write(request.user, allocation, "funds.money.write")
        if form.is_valid():
            try:
                services.assignment_create(actor=request.user, allocation=allocation, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, "资金已安排到项目")
                return redirect("funds:allocation", pk=allocation.pk)
    assignments = allocation.assignments.select_related("project")
    return render(request, "funds/allocation_detail.html", {"a": allocation, "assignments": assignments, "form": form})


@staff_view()
def payment_export(request):
    qs = scope.scoped(request.user, Payment).select_related("project").order_by("project__code", "date", "id")
    year = request.GET.get("year")
    if year and year.isdigit():
        qs = qs.filter(date__year=int(year))
    return export_response(
        request,
        filename="资金支付.xlsx",
        title=dated_title(request.user.region, "衔接资金支付明细"),
        audit_extra={"kind": "payments", "region": getattr(request.user.region, "code", "")},
        columns=["项目编号", "项目名称", "支付日期", "金额", "收款人", "收款人身份证号", "凭证号"],
        rows=(
            [
                p.project.code,
                p.project.name,
                str(p.date),
                float(p.amount),
                p.payee_name,
                p.payee_id_masked,
                p.voucher_number,
            ]
            for p in qs.iterator(chunk_size=5000)
        ),
    )


@staff_view(page="funds.leakage")
def leakage_list(request):
    if request.method == "POST":
        try:
            result = leakage.leakage_run(actor=request.user)
        except PermissionDenied as exc:
            raise exc
        messages.success(
            request, f"检查完成：发现疑点 {result.total} 条，其中新增 {result.new} 条，已消除 {result.resolved} 条"
        )
        return redirect("funds:leakage")
    qs = scope.scoped(request.user, LeakageFinding).select_related("project", "household")
    kind = request.GET.get("kind")
    if kind:
        qs = qs.filter(kind=kind)
    if request.GET.get("all") != "1":
        qs = qs.filter(still_present=True)
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename="跑冒滴漏疑点.xlsx",
            title=dated_title(request.user.region, "衔接资金跑冒滴漏疑点清单"),
            audit_extra={"kind": "leakage", "region": getattr(request.user.region, "code", "")},
            columns=["问题类型", "项目编号", "项目名称", "情况", "涉及金额", "处理状态", "首次发现"],
            rows=(
                [
                    str(f.get_kind_display()),
                    f.project.code,
                    f.project.name,
                    f.detail,
                    float(f.amount),
                    str(f.get_status_display()),
                    f.first_found_at.date().isoformat(),
                ]
                for f in qs
            ),
        )
    from .models import FindingKind

    can_run = scope.can_write(request.user, None, "funds.money.write")
    return render(
        request,
        "funds/leakage.html",
        {"findings": qs[:500], "kinds": FindingKind.choices, "can_run": can_run, "kind": kind},
    )


@staff_view(model=LeakageFinding)
def finding_action(request, finding):
    if request.method != "POST":
        return redirect(f"{reverse('funds:leakage')}")
    try:
        if request.POST.get("action") == "dismiss":
            leakage.finding_dismiss(actor=request.user, finding=finding, reason=request.POST.get("reason", ""))
            messages.success(request, "已标记为核实无问题")
        else:
            leakage.finding_open_rectification(actor=request.user, finding=finding)
            messages.success(request, "已转为整改事项")
    except (ValidationError, PermissionDenied) as exc:
        service_errors_to_messages(request, exc)
    return redirect("funds:leakage")


@staff_view(page="funds.disclosures")
def disclosure_list(request):
    can_publish = scope.can_write(request.user, None, "funds.disclosure.publish")
    form = PublishForm(request.POST or None, user=request.user) if can_publish else None
    if request.method == "POST":
        scope.require_write(request.user, None, "funds.disclosure.publish")
        if form.is_valid():
            try:
                d = services.disclosure_publish(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                service_errors_to_messages(request, exc)
            else:
                messages.success(request, f"已发布：{d}")
                return redirect("funds:disclosures")
    qs = scope.scoped(request.user, Disclosure).select_related("county", "published_by").defer("content")
    return render(request, "funds/disclosure_list.html", {"disclosures": qs[:200], "form": form})


@staff_view(page="funds.loans")
def loan_list(request):
    """?region=<code> (a node's subtree in scope), ?current=1 (在贷或本年结清), ?overdue=1."""
    region = scope.region_param(request)
    qs = (
        scope.within(scope.scoped(request.user, MicroLoan), region)
        .select_related("household__village")
        .order_by("-issued_on")
    )
    today = timezone.localdate()
    current = request.GET.get("current") == "1"
    if current:
        qs = selectors.loans_current(qs, today)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        qs = qs.filter(settled_on__isnull=True, due_on__lt=today)
    if request.GET.get("export") == "xlsx":
        node = region or request.user.region
        return export_response(
            request,
            filename="小额信贷.xlsx",
            title=dated_title(node, "脱贫人口小额信贷台账"),
            audit_extra={"kind": "loans", "region": getattr(node, "code", "")},
            columns=[
                "户编号",
                "村",
                "借款人",
                "贷款银行",
                "合同编号",
                "贷款金额",
                "放款日期",
                "期限（月）",
                "到期日",
                "贴息",
                "已还本金",
                "是否逾期",
            ],
            rows=(
                [
                    m.household.number,
                    m.household.village.name,
                    m.borrower_name,
                    m.bank,
                    m.contract_number,
                    float(m.amount),
                    str(m.issued_on),
                    m.term_months,
                    str(m.due_on),
                    float(m.interest_subsidy),
                    float(m.repaid),
                    "是" if m.is_overdue(today) else "否",
                ]
                for m in qs
            ),
        )
    return render(
        request,
        "funds/loan_list.html",
        {
            "loans": qs[:500],
            "today": today,
            "overdue": overdue,
            "current": current,
            "region_filter": region,
            "can_add": scope.can_write(request.user, None, "funds.loan.write"),
        },
    )


@staff_view(write="funds.loan.write")
def loan_new(request):
    """登记小额信贷: the household is picked by 户编号 within the user's scope."""
    form = MicroLoanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        number = d.pop("household_number").strip()
        household = scope.scoped(request.user, Household).filter(number=number).first()
        if household is None:
            form.add_error("household_number", f"户编号 {number} 不在农户库或不在您的数据权限范围内")
        else:
            try:
                loan = services.micro_loan_create(actor=request.user, household=household, **d)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"贷款 {loan.contract_number} 已登记")
                return redirect("funds:loan", pk=loan.pk)
    return render(request, "funds/loan_form.html", {"form": form})


@staff_view(model=MicroLoan, page="funds.loans")
def loan_detail(request, loan):
    """A loan and its repayment (登记还款 by county, township or village staff)."""
    can_repay = scope.can_write(request.user, loan, "funds.loan.write") and loan.settled_on is None
    form = RepaymentForm(request.POST or None) if can_repay else None
    if request.method == "POST":
        scope.require_write(request.user, loan, "funds.loan.write")
        if form is None:
            messages.error(request, "该贷款已结清")
            return redirect("funds:loan", pk=loan.pk)
        if form.is_valid():
            try:
                services.micro_loan_repay(actor=request.user, loan=loan, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "还款已登记")
                return redirect("funds:loan", pk=loan.pk)
    today = timezone.localdate()
    return render(
        request,
        "funds/loan_detail.html",
        {
            "m": loan,
            "form": form,
            "today": today,
            "balance": loan.amount - loan.repaid,
            "overdue": loan.is_overdue(today),
        },
    )


@staff_view(page="funds.staff_identities")
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


@staff_view(page="funds.parameters")
def parameters(request):
    """年度参数 (prefecture admin) and a county's monthly disbursement plan (county staff)."""
    from decimal import Decimal, InvalidOperation

    from .models import DisbursementPlan, YearParameter

    year = _year(request)
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
            "is_admin": scope.can_write(request.user, None, "funds.parameter.set"),
            "is_county": scope.can_write(request.user, None, "funds.money.write"),
        },
    )


@staff_view()
def import_template(request, kind):
    """The empty .xlsx template of an import (headers as the importer reads them)."""
    from django.http import Http404, HttpResponse

    from .imports import IMPORTERS, template_bytes

    if kind not in IMPORTERS:
        raise Http404("没有该导入模板")
    response = HttpResponse(
        template_bytes(kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(IMPORTERS[kind].label + '导入模板.xlsx')}"
    return response
