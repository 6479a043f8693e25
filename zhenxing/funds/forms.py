from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.lib.picker import PickerInput
from zhenxing.regions.models import Level, Region

from .models import BenefitWay, BoardLevel, DisclosureKind, FundSource, Project, ProjectType
from .services import PROJECT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["code", "village", *PROJECT_FIELDS]
        widgets = {
            "start_planned": DATE,
            "end_planned": DATE,
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "performance_targets": forms.Textarea(attrs={"rows": 2}),
            "benefit_mechanism": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = scope.regions(user).filter(level=Level.VILLAGE).order_by("code")
        for name in (
            "build_type",
            "start_planned",
            "end_planned",
            "responsible_unit",
            "tasks",
            "funding_sources",
            "performance_targets",
            "benefit_mechanism",
        ):
            self.fields[name].required = False  # completeness is checked when the project enters the pool

    def validate_unique(self):
        pass  # the service reports a duplicate code in Chinese


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(label="日期", widget=DATE, initial=timezone.localdate)
    evidence = forms.CharField(label="依据（文号、会议纪要、验收报告等）", max_length=300, required=False)
    note = forms.CharField(
        label="说明（退回、不予入库须写明理由）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AllocationForm(forms.Form):
    county = forms.ModelChoiceField(label="县", queryset=Region.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=2022)
    source = forms.ChoiceField(label="资金来源", choices=FundSource.choices)
    document_number = forms.CharField(label="文号", max_length=100)
    title = forms.CharField(label="文件标题", max_length=200, required=False)
    issued_on = forms.DateField(label="下达日期", widget=DATE)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = scope.regions(user).filter(level=Level.COUNTY)


class AssignmentForm(forms.Form):
    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none())
    amount = forms.DecimalField(label="安排金额（元）", max_digits=14, decimal_places=2)
    document_number = forms.CharField(label="文号", max_length=100)
    date = forms.DateField(label="安排日期", widget=DATE)

    def __init__(self, *args, user, allocation, **kwargs):
        from .models import POOL_STATUSES

        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            scope.scoped(user, Project).filter(county=allocation.county, status__in=POOL_STATUSES).order_by("code")
        )


class PaymentForm(forms.Form):
    date = forms.DateField(label="支付日期", widget=DATE)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2)
    payee_name = forms.CharField(label="收款人", max_length=100)
    payee_id_number = forms.CharField(label="收款人身份证号（个人必填）", max_length=30, required=False)
    voucher_number = forms.CharField(label="凭证号", max_length=60)


class BeneficiaryForm(forms.Form):
    household_number = forms.CharField(
        label="户编号",
        max_length=32,
        widget=PickerInput("api:pick_households", value="code", placeholder="输入户主姓名或户编号查找"),
    )
    way = forms.ChoiceField(label="带动方式", choices=BenefitWay.choices)
    amount = forms.DecimalField(label="受益金额（元）", max_digits=14, decimal_places=2, initial=0)
    year = forms.IntegerField(label="年度", initial=2022)


class PublishForm(forms.Form):
    county = forms.ModelChoiceField(label="县", queryset=Region.objects.none())
    year = forms.IntegerField(label="年度", initial=2022)
    kind = forms.ChoiceField(label="公示内容", choices=DisclosureKind.choices)
    board = forms.ChoiceField(label="公示渠道", choices=BoardLevel.choices, initial=BoardLevel.COUNTY)
    period_start = forms.DateField(label="公示开始", widget=DATE, initial=timezone.localdate)
    period_end = forms.DateField(label="公示结束（县网站长期公开可不填）", widget=DATE, required=False)
    note = forms.CharField(label="更正说明（再次发布时）", required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = scope.regions(user).filter(level=Level.COUNTY)


class FilterForm(forms.Form):
    q = forms.CharField(label="名称或编号", required=False)
    status = forms.ChoiceField(label="状态", required=False)
    type = forms.ChoiceField(label="类型", required=False, choices=[("", "全部")] + list(ProjectType.choices))
    year = forms.IntegerField(label="年度", required=False)

    def __init__(self, *args, **kwargs):
        from .models import ProjectStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "全部")] + list(ProjectStatus.choices)


class ProjectEditForm(forms.ModelForm):
    """The pool fields of a project before county approval (code and place stay as declared)."""

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)
        widgets = ProjectForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (
            "build_type",
            "start_planned",
            "end_planned",
            "responsible_unit",
            "tasks",
            "funding_sources",
            "performance_targets",
            "benefit_mechanism",
        ):
            self.fields[name].required = False  # completeness is checked when the project enters the pool

    def validate_unique(self):
        pass


class MicroLoanForm(forms.Form):
    household_number = forms.CharField(
        label="户编号",
        max_length=32,
        widget=PickerInput("api:pick_households", value="code", placeholder="输入户主姓名或户编号查找"),
    )
    borrower_name = forms.CharField(label="借款人", max_length=64)
    bank = forms.CharField(label="贷款银行", max_length=100)
    contract_number = forms.CharField(label="合同编号", max_length=60)
    amount = forms.DecimalField(label="贷款金额（元）", max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    issued_on = forms.DateField(label="放款日期", widget=DATE)
    term_months = forms.IntegerField(label="期限（月）", min_value=1, max_value=120, initial=36)
    annual_rate = forms.DecimalField(
        label="年利率（如0.0435）", max_digits=6, decimal_places=4, min_value=0, max_value=1
    )
    interest_subsidy = forms.DecimalField(
        label="贴息金额（元）", max_digits=14, decimal_places=2, min_value=0, initial=0
    )


class RepaymentForm(forms.Form):
    amount = forms.DecimalField(label="还款本金（元）", max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    date = forms.DateField(label="还款日期", widget=DATE, initial=timezone.localdate)
