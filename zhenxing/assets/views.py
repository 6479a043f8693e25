"""Staff pages for project assets: inventory with risk flags, an asset's ledgers, registration."""

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
from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages
from zhenxing.lib.picker import searchable
from zhenxing.lib.xlsx import dated_title
from zhenxing.regions.models import Level
from zhenxing.registry.models import Household

from . import selectors, services
from .models import Asset, AssetClass, AssetIncome, MaintenanceKind, OwnerKind

DATE = forms.DateInput(attrs={"type": "date"})
EXPORT_COLUMNS = [
    "资产编号",
    "资产名称",
    "类别",
    "县",
    "村",
    "形成项目",
    "价值（元）",
    "所有权人类型",
    "所有权人",
    "经营主体",
    "管护主体",
    "确权登记",
    "确权日期",
    "移交日期",
    "状态",
    "最近巡查",
    "最近收益",
    "风险",
]


@staff_view()
def inventory(request):
    qs = selectors.assets(request.user)
    cls = request.GET.get("class")
    if cls in AssetClass.values:
        qs = qs.filter(asset_class=cls)
    county = request.GET.get("county")
    if county:
        qs = qs.filter(county__code=county)
    today = timezone.localdate()
    if request.GET.get("risk") == "1":
        qs = selectors.with_risks(qs, today)
    if request.GET.get("export") == "xlsx":
        return export_response(
            request,
            filename="扶贫项目资产.xlsx",
            title=dated_title(request.user.region, "扶贫项目资产台账"),
            audit_extra={"kind": "assets", "region": getattr(request.user.region, "code", "")},
            columns=EXPORT_COLUMNS,
            rows=(
                [
                    a.code,
                    a.name,
                    str(a.get_asset_class_display()),
                    a.county.name,
                    a.village.name,
                    a.project_label,
                    float(a.value),
                    str(a.get_owner_kind_display()),
                    a.owner_name,
                    a.operator,
                    a.maintainer,
                    a.title_document,
                    str(a.title_date),
                    str(a.handed_over_on),
                    str(a.get_status_display()),
                    str(a.last_inspection or ""),
                    str(a.last_income or ""),
                    "、".join(selectors.risk_flags(a, today)),
                ]
                for a in qs.order_by("county__code", "code")
            ),
        )
    rows = [(a, selectors.risk_flags(a, today)) for a in qs.order_by("county__code", "code")[:500]]
    return render(
        request,
        "assets/inventory.html",
        {
            "can_register": request.user.role in services.REGISTER_ROLES and not request.user.is_read_only,
            "summary": selectors.inventory(selectors.assets(request.user)),
            "rows": rows,
            "risks": selectors.risk_counts(selectors.assets(request.user), today),
            "classes": AssetClass.choices,
        },
    )


class MaintenanceForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(label="类型", choices=MaintenanceKind.choices)
    description = forms.CharField(label="情况", max_length=300)
    cost = forms.DecimalField(label="费用（元）", max_digits=14, decimal_places=2, initial=0)
    done_by = forms.CharField(label="实施人或单位", max_length=100, required=False)


class IncomeForm(forms.Form):
    date = forms.DateField(label="收益日期", widget=DATE)
    amount = forms.DecimalField(label="收益金额（元）", max_digits=14, decimal_places=2)
    source = forms.CharField(label="收益来源", max_length=200)


class DistributionForm(forms.Form):
    income = forms.IntegerField(widget=forms.HiddenInput)
    recipient = forms.CharField(label="分配对象", max_length=100)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2)
    meeting = forms.CharField(label="决策会议（名称、日期）", max_length=200)
    date = forms.DateField(label="分配日期", widget=DATE)


class DisposalForm(forms.Form):
    date = forms.DateField(label="处置日期", widget=DATE)
    method = forms.CharField(label="处置方式", max_length=50)
    reason = forms.CharField(label="处置原因", max_length=300)
    approved_by = forms.CharField(label="批准机关", max_length=100)
    approval_document = forms.CharField(label="批准文号", max_length=100)
    proceeds = forms.DecimalField(label="处置收入（元）", max_digits=14, decimal_places=2, initial=0)


ACTIONS = {
    "maintenance": (MaintenanceForm, services.maintenance_record),
    "income": (IncomeForm, services.income_record),
    "dispose": (DisposalForm, services.asset_dispose),
}


@staff_view(model=Asset)
def detail(request, asset):
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "distribute":
                form = DistributionForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("请完整填写分配信息")
                d = dict(form.cleaned_data)
                income = scope.scoped(request.user, AssetIncome).filter(pk=d.pop("income"), asset=asset).first()
                if income is None:
                    raise ValidationError("收益记录不存在")
                services.income_distribute(actor=request.user, income=income, **d)
            elif action in ACTIONS:
                form_cls, fn = ACTIONS[action]
                form = form_cls(request.POST)
                if not form.is_valid():
                    raise ValidationError("请完整填写")
                fn(actor=request.user, asset=asset, **form.cleaned_data)
            else:
                raise ValidationError("未知操作")
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, "已保存")
        return redirect("assets:detail", pk=asset.pk)
    can_keep = scope.can_write(request.user, asset, "assets.asset.keep")
    can_dispose = scope.can_write(request.user, asset, "assets.asset.register") and asset.status == "in_use"
    can_change_keepers = can_dispose
    incomes = list(asset.incomes.prefetch_related("distributions"))
    return render(
        request,
        "assets/detail.html",
        {
            "a": asset,
            "flags": selectors.risk_flags(asset),
            "maintenance": asset.maintenance.all(),
            "incomes": incomes,
            "maintenance_form": MaintenanceForm() if can_keep else None,
            "income_form": IncomeForm() if can_keep and asset.asset_class == AssetClass.INCOME_GENERATING else None,
            "distribution_forms": [(i, DistributionForm(initial={"income": i.pk})) for i in incomes]
            if can_keep
            else [],
            "disposal_form": DisposalForm() if can_dispose else None,
            "can_change_keepers": can_change_keepers,
            "disposal": getattr(asset, "disposal", None) if hasattr(asset, "disposal") else None,
        },
    )


class KeepersForm(forms.Form):
    operator = forms.CharField(label="经营主体", max_length=100, required=False)
    maintainer = forms.CharField(
        label="管护主体", max_length=100, error_messages={"required": "须明确管护主体（管护责任不能空缺）"}
    )

    def clean_operator(self):
        return self.cleaned_data["operator"].strip()

    def clean_maintainer(self):
        value = self.cleaned_data["maintainer"].strip()
        if not value:
            raise forms.ValidationError("须明确管护主体（管护责任不能空缺）")
        return value


@staff_view(model=Asset, write="assets.asset.register")
def keepers(request, asset):
    """变更经营主体和管护主体."""
    form = KeepersForm(request.POST or None, initial={"operator": asset.operator, "maintainer": asset.maintainer})
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update_keepers(actor=request.user, asset=asset, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "经营主体和管护主体已变更")
            return redirect("assets:detail", pk=asset.pk)
    return render(request, "assets/keepers.html", {"form": form, "a": asset})


class RegisterForm(forms.Form):
    code = forms.CharField(label="资产编号", max_length=40)
    name = forms.CharField(label="资产名称", max_length=200)
    asset_class = forms.ChoiceField(label="资产类别", choices=AssetClass.choices)
    value = forms.DecimalField(label="资产价值（元）", max_digits=14, decimal_places=2)
    location = forms.CharField(label="坐落位置", max_length=200, required=False)
    owner_kind = forms.ChoiceField(label="所有权人类型", choices=OwnerKind.choices)
    owner_name = forms.CharField(label="所有权人", max_length=100)
    owner_household_number = forms.CharField(label="所有权农户户编号（到户类）", max_length=32, required=False)
    operator = forms.CharField(label="经营主体", max_length=100, required=False)
    maintainer = forms.CharField(label="管护主体", max_length=100, required=False)
    title_document = forms.CharField(label="确权登记（证书或文号）", max_length=100)
    title_date = forms.DateField(label="确权日期", widget=DATE)
    handed_over_on = forms.DateField(label="移交日期", widget=DATE)


@staff_view(model=Project, write="assets.asset.register")
def register(request, project):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        number = d.pop("owner_household_number")
        household = scope.scoped(request.user, Household).filter(number=number).first() if number else None
        try:
            asset = services.asset_register(actor=request.user, project=project, owner_household=household, **d)
        except (ValidationError, PermissionDenied) as exc:
            service_errors_to_messages(request, exc)
        else:
            messages.success(request, f"资产 {asset.code} 已登记")
            return redirect("assets:detail", pk=asset.pk)
    return render(request, "assets/register.html", {"form": form, "p": project})


class HistoricalForm(RegisterForm):
    village = forms.ModelChoiceField(label="所在村", queryset=None, empty_label="请选择村")
    source_project = forms.CharField(label="形成资产的项目（名称、文号）", max_length=200)
    source_year = forms.IntegerField(label="项目年度", min_value=2000, max_value=2100)
    field_order = ["village", "source_project", "source_year"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = scope.regions(user).filter(level=Level.VILLAGE).order_by("code")
        searchable(
            self.fields["village"], "api:pick_regions", params={"level": Level.VILLAGE}, placeholder="输入村名查找"
        )
        self.order_fields(self.field_order)


@staff_view(write="assets.asset.register")
def register_historical(request):
    """登记历史资产: an asset formed before the system, without its project's lifecycle."""
    form = HistoricalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        number = d.pop("owner_household_number")
        household = scope.scoped(request.user, Household).filter(number=number).first() if number else None
        try:
            asset = services.asset_register_historical(actor=request.user, owner_household=household, **d)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"历史资产 {asset.code} 已登记")
            return redirect("assets:detail", pk=asset.pk)
    return render(request, "assets/register_historical.html", {"form": form})
