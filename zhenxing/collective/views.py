"""Staff pages of the village collective economy: the villages' figures, an organisation's books
(members, shares, 三资, contracts, journal, distributions, disclosure), a member, a contract and a
distribution. Thin: parse, call a service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.exports import export_response
from zhenxing.jobs import services as job_services
from zhenxing.jobs import storage
from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages
from zhenxing.lib.picker import searchable
from zhenxing.lib.xlsx import dated_title
from zhenxing.regions.models import Level
from zhenxing.registry.models import Household

from . import books, selectors, services
from .disclosure import disclosure_publish
from .imports import KINDS
from .jobs import DRAFT, IMPORT
from .models import (
    AwardMethod,
    Category,
    CollectiveMember,
    Contract,
    DebtKind,
    Distribution,
    LeaveReason,
    Organisation,
    OrgKind,
    ProblemKind,
    ShareChange,
    ShareKind,
)
from .shares import household_shares, households_shares

DATE = forms.DateInput(attrs={"type": "date"})
KEEP = "collective.books.keep"


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@staff_view(page="collective.index")
def index(request):
    year = _year(request)
    orgs = scope.within(selectors.organisations(request.user), scope.region_param(request))
    figures = selectors.village_figures(orgs, year)
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename=f"村集体经济收入统计{year}.xlsx",
            title=dated_title(request.user.region, f"{year}年村集体经济经营性收入统计表"),
            audit_extra={"kind": "collective.figures", "year": year},
            columns=[
                "乡镇",
                "村",
                "集体经济组织",
                "经营性收入（元）",
                "上年（元）",
                "总收入（元）",
                "总支出（元）",
                "薄弱村",
            ],
            rows=(
                [
                    f.org.village.parent.name,
                    f.org.village.name,
                    f.org.name,
                    float(f.operating),
                    float(f.last_year),
                    float(f.income),
                    float(f.expense),
                    "是" if f.weak else "否",
                ]
                for f in figures
            ),
        )
    today = timezone.localdate()
    contracts = selectors.contracts(request.user).filter(organisation__in=orgs)
    return render(
        request,
        "collective/index.html",
        {
            "year": year,
            "figures": figures,
            "campaign": selectors.campaign(orgs, today),
            "weak": sum(1 for f in figures if f.weak),
            "threshold": services.weak_threshold(),
            "arrears": selectors.contracts_in_arrears(contracts, today).count(),
            "ending": selectors.contracts_ending(contracts, today).count(),
            "can_register": scope.can_write(request.user, None, "collective.org.register"),
            "region_filter": scope.region_param(request),
        },
    )


class OrgForm(forms.Form):
    village = forms.ModelChoiceField(label="所在村", queryset=None, empty_label="请选择村")
    name = forms.CharField(label="组织名称", max_length=100)
    kind = forms.ChoiceField(label="组织类型", choices=OrgKind.choices)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    certificate_date = forms.DateField(label="登记证书日期", widget=DATE, required=False)
    council = forms.CharField(label="理事会成员", max_length=300, required=False)
    supervisors = forms.CharField(label="监事会成员", max_length=300, required=False)
    population_shares = forms.DecimalField(label="每名成员人口股", initial=1, max_digits=12, decimal_places=2)
    labour_share_per_year = forms.DecimalField(label="每年劳龄折股", initial=0, max_digits=12, decimal_places=2)
    collective_shares = forms.DecimalField(label="集体股（不设为0）", initial=0, max_digits=12, decimal_places=2)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = (
            scope.regions(user).filter(level=Level.VILLAGE, collective__isnull=True).order_by("code")
        )
        searchable(
            self.fields["village"], "api:pick_regions", params={"level": Level.VILLAGE}, placeholder="输入村名查找"
        )


@staff_view(write="collective.org.register")
def register(request):
    form = OrgForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{org.name}已登记")
            return redirect("collective:org", pk=org.pk)
    return render(request, "collective/form.html", {"form": form, "title": "登记集体经济组织"})


class ApplyForm(forms.Form):
    id_number = forms.CharField(label="身份证号（须已在农户信息中登记）", max_length=18)
    applied_on = forms.DateField(label="申请日期", widget=DATE)
    labour_years = forms.IntegerField(label="劳龄（年）", min_value=0, initial=0)


class JournalForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    voucher = forms.CharField(label="凭证号", max_length=20, required=False)
    account = forms.CharField(label="账户", max_length=40, initial="银行存款")
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2)
    summary = forms.CharField(label="摘要", max_length=200)


class ContractForm(forms.Form):
    code = forms.CharField(label="合同编号", max_length=40)
    party = forms.CharField(label="承包（承租）方", max_length=100)
    subject = forms.CharField(label="标的", max_length=200)
    start = forms.DateField(label="起始日期", widget=DATE)
    end = forms.DateField(label="终止日期", widget=DATE)
    annual_price = forms.DecimalField(label="年租金或承包费（元）", max_digits=14, decimal_places=2)
    award_method = forms.ChoiceField(label="发包方式", choices=AwardMethod.choices)
    meeting_record = forms.CharField(label="决策记录（会议、日期）", max_length=200, required=False)


class DebtForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=DebtKind.choices)
    counterparty = forms.CharField(label="对方单位或个人", max_length=100)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2)
    incurred_on = forms.DateField(label="形成日期", widget=DATE)
    cause = forms.CharField(label="形成原因", max_length=200)


class DraftForm(forms.Form):
    year = forms.IntegerField(label="分配年度", min_value=2000, max_value=2100)
    distributable_total = forms.DecimalField(label="可分配收益（元）", max_digits=14, decimal_places=2)
    reserve_rate = forms.DecimalField(label="公积公益金比例（如0.3）", max_digits=5, decimal_places=4)


class PublishForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label="季度", min_value=1, max_value=4)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[(k, v.label) for k, v in KINDS.items()])
    file = forms.FileField(label="文件（.xlsx/.xls/.csv）")


def _draft_enqueue(request, organisation, form):
    """The plan is drafted by the job queue (``jobs.DRAFT``): the page shows the job, then the plan."""
    if not form.is_valid():
        raise ValidationError("请完整、正确填写")
    scope.require_write(request.user, organisation, KEEP)
    d = form.cleaned_data
    return job_services.job_enqueue(
        actor=request.user,
        kind=DRAFT,
        label=f"编制{organisation.name}{d['year']}年度收益分配方案",
        payload={
            "organisation": organisation.pk,
            "year": d["year"],
            "distributable_total": str(d["distributable_total"]),
            "reserve_rate": str(d["reserve_rate"]),
        },
        region=organisation.village,
    )


def _apply(request, org, form, fn, **extra):
    if not form.is_valid():
        raise ValidationError("请完整、正确填写")
    return fn(actor=request.user, organisation=org, **form.cleaned_data, **extra)


@staff_view(model=Organisation)
def org(request, organisation):
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "apply":
                _apply(request, organisation, ApplyForm(request.POST), services.member_apply)
            elif action == "journal":
                _apply(request, organisation, JournalForm(request.POST), books.journal_add)
            elif action == "contract":
                _apply(request, organisation, ContractForm(request.POST), books.contract_add)
            elif action == "debt":
                _apply(request, organisation, DebtForm(request.POST), books.debt_record)
            elif action == "settle":
                debt = scope.get_choice(request.user, organisation.debts.all(), pk=request.POST.get("debt"))
                if debt is None:
                    raise ValidationError("债权债务记录不存在")
                books.debt_settle(
                    actor=request.user,
                    debt=debt,
                    amount=request.POST.get("amount", ""),
                    date=forms.DateField().clean(request.POST.get("date")),
                )
            elif action == "draft":
                job = _draft_enqueue(request, organisation, DraftForm(request.POST))
                return redirect("jobs:detail", pk=job.pk)
            elif action == "publish":
                _apply(request, organisation, PublishForm(request.POST), disclosure_publish)
            elif action == "import":
                form = ImportForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise ValidationError("请选择导入内容和文件")
                scope.require_write(request.user, organisation, KEEP)
                f = form.cleaned_data["file"]
                kind = form.cleaned_data["kind"]
                token = storage.upload_save(user=request.user, filename=f.name, chunks=f.chunks())
                job = job_services.job_enqueue(
                    actor=request.user,
                    kind=IMPORT,
                    label=f"导入{KINDS[kind].label}：{f.name}",
                    payload={"organisation": organisation.pk, "kind": kind, "filename": f.name},
                    region=organisation.village,
                    upload=token,
                )
                return redirect("jobs:detail", pk=job.pk)
            else:
                raise ValidationError("未知操作")
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, "已保存")
        return redirect("collective:org", pk=organisation.pk)
    if request.GET.get("export") == "members":
        return _members_export(request, organisation)
    year = _year(request)
    today = timezone.localdate()
    can_keep = scope.can_write(request.user, organisation, KEEP)
    members = selectors.with_names(organisation.members.all()).prefetch_related("holdings")
    contracts = organisation.contracts.prefetch_related("payments")
    one = Organisation.objects.filter(pk=organisation.pk)
    return render(
        request,
        "collective/org.html",
        {
            "o": organisation,
            "year": year,
            "books": selectors.year_books(one, year)[organisation.pk],
            "members": members,
            "contracts": contracts,
            "arrears": set(selectors.contracts_in_arrears(contracts, today).values_list("pk", flat=True)),
            "ending": set(selectors.contracts_ending(contracts, today).values_list("pk", flat=True)),
            "households": households_shares(organisation),
            "resources": organisation.resources.all(),
            "debts": organisation.debts.all(),
            "assets": selectors.village_assets([organisation.village_id]),
            "journal": organisation.journal.order_by("-date", "-id")[:50],
            "distributions": organisation.distributions.all(),
            "disclosures": organisation.disclosures.all()[:12],
            "forms": {
                "apply": ApplyForm(),
                "journal": JournalForm(),
                "debt": DebtForm(),
                "contract": ContractForm(),
                "draft": DraftForm(initial={"year": year - 1, "reserve_rate": "0.3"}),
                "publish": PublishForm(initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1}),
                "import": ImportForm(),
            }
            if can_keep
            else {},
        },
    )


@staff_view(model=Household, page="collective.index")
def household(request, household):
    """A household's shares: its members' holdings (the household's page links here)."""
    return render(request, "collective/household.html", {"h": household, "held": household_shares(household)})


def _members_export(request, organisation):
    rows = selectors.with_names(organisation.members.filter(state="confirmed")).prefetch_related("holdings")
    return export_response(
        request,
        filename=f"{organisation.name}成员名册.xlsx",
        title=dated_title(organisation.village, f"{organisation.name}成员及股权登记簿"),
        audit_extra={"kind": "collective.members", "organisation": organisation.pk},
        obj=organisation,
        columns=["序号", "姓名", "户编号", "身份证号（脱敏）", "确认日期", "人口股", "劳龄股", "合计股数", "股权证号"],
        rows=(
            [
                i,
                m.person_name or "",
                m.household_number or "",
                m.id_masked or "",
                str(m.confirmed_on or ""),
                *[float(sum((h.shares for h in m.holdings.all() if h.kind == k), 0)) for k in ("population", "labour")],
                float(sum((h.shares for h in m.holdings.all()), 0)),
                m.certificate_no,
            ]
            for i, m in enumerate(rows, 1)
        ),
    )


@staff_view(model=CollectiveMember)
def member(request, member):
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "transfer":
                to = scope.get_choice(
                    request.user,
                    CollectiveMember.objects.filter(organisation=member.organisation_id),
                    certificate_no=request.POST.get("to_certificate", "").strip() or "-",
                )
                if to is None:
                    raise ValidationError("本组织没有该股权证号的成员")
                services.share_transfer(
                    actor=request.user,
                    from_member=member,
                    to_member=to,
                    kind=request.POST.get("kind", ""),
                    share_kind=request.POST.get("share_kind", ""),
                    shares=request.POST.get("shares") or "0",
                    approval=request.POST.get("approval", ""),
                    date=forms.DateField().clean(request.POST.get("date")),
                )
            elif action == "certificate":
                issued = forms.DateField().clean(request.POST.get("issued_on"))
                services.certificate_issue(
                    actor=request.user, member=member, number=request.POST.get("number", ""), issued_on=issued
                )
            else:
                services.member_transition(
                    actor=request.user,
                    member=member,
                    code=action,
                    reason=request.POST.get("reason", ""),
                    evidence=request.POST.get("evidence", ""),
                    left_reason=request.POST.get("left_reason", ""),
                    version=int(request.POST.get("version") or member.version),
                    request=request,
                )
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, "已办理")
        return redirect("collective:member", pk=member.pk)
    from zhenxing import workflow as engine

    m = selectors.with_names(CollectiveMember.objects.filter(pk=member.pk)).get()
    return render(
        request,
        "collective/member.html",
        {
            "m": m,
            "steps": engine.available(member, request.user),
            "events": member.events.select_related("actor"),
            "holdings": member.holdings.all(),
            "leave_reasons": LeaveReason.choices,
            "share_kinds": ShareKind.choices,
            "changes": ShareChange.objects.filter(Q(from_member=member) | Q(to_member=member)).order_by("-date", "-id"),
            "can_keep": scope.can_write(request.user, member, KEEP),
        },
    )


@staff_view(model=Contract)
def contract(request, contract):
    if request.method == "POST":
        try:
            if request.POST.get("action") == "review":
                books.contract_problem_record(
                    actor=request.user,
                    contract=contract,
                    kind=request.POST.get("kind", ""),
                    detail=request.POST.get("detail", ""),
                )
            else:
                payment = scope.get_choice(request.user, contract.payments.all(), pk=request.POST.get("payment"))
                if payment is None:
                    raise ValidationError("收款计划不存在")
                books.payment_receive(
                    actor=request.user,
                    payment=payment,
                    amount=request.POST.get("amount", ""),
                    date=forms.DateField().clean(request.POST.get("date")),
                    voucher=request.POST.get("voucher", ""),
                )
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, "已保存")
        return redirect("collective:contract", pk=contract.pk)
    today = timezone.localdate()
    return render(
        request,
        "collective/contract.html",
        {
            "c": contract,
            "payments": contract.payments.all(),
            "problems": contract.problems.all(),
            "problem_kinds": ProblemKind.choices,
            "late": set(selectors.arrears(contract.payments.all(), today).values_list("pk", flat=True)),
            "can_keep": scope.can_write(request.user, contract, KEEP),
        },
    )


@staff_view(model=Distribution)
def distribution(request, distribution):
    if request.method == "POST":
        try:
            services.distribution_transition(
                actor=request.user,
                distribution=distribution,
                code=request.POST.get("action", ""),
                evidence=request.POST.get("evidence", ""),
                version=int(request.POST.get("version") or distribution.version),
                request=request,
            )
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, "已办理")
        return redirect("collective:distribution", pk=distribution.pk)
    from zhenxing import workflow as engine

    lines = selectors.with_names_lines(distribution)
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename=f"{distribution.organisation.name}{distribution.year}年度收益分配明细.xlsx",
            title=dated_title(distribution.organisation.village, f"{distribution.year}年度股份分红发放表"),
            audit_extra={"kind": "collective.distribution", "id": distribution.pk},
            obj=distribution,
            columns=["序号", "成员", "股数", "分红金额（元）", "领取人签字"],
            rows=([i, n, float(s), float(a), ""] for i, (n, s, a) in enumerate(lines, 1)),
        )
    return render(
        request,
        "collective/distribution.html",
        {
            "d": distribution,
            "lines": lines[:1000],
            "more": max(0, len(lines) - 1000),
            "steps": engine.available(distribution, request.user),
        },
    )
