from __future__ import annotations

from functools import partial

from django import forms
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.lib.picker import PickerInput, region_filter_field, searchable
from zhenxing.registry.models import MonitoringKind

from . import workflow
from .models import (
    MEASURE_CATEGORY_CHOICES,
    RISK_CHOICES,
    Channel,
    Coping,
    ElimWay,
    EvidenceKind,
    MeasureStatus,
    YearStandard,
)

DATE = forms.DateInput(attrs={"type": "date"})
RISK_SELECT = forms.CheckboxSelectMultiple


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultiFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _field(name: str, required: bool, case) -> forms.Field:
    label = workflow.FIELD_LABELS[name]
    if name == "kind":
        return forms.ChoiceField(label=label, choices=MonitoringKind.choices, required=required)
    if name in {"risk_types", "resolved_risks"}:
        choices = (
            RISK_CHOICES if name == "risk_types" else [(c, text) for c, text in RISK_CHOICES if c in case.risk_types]
        )
        return forms.MultipleChoiceField(
            label=label,
            choices=choices,
            widget=RISK_SELECT,
            required=required,
            initial=case.risk_types if name == "risk_types" else None,
        )
    if name in {"authorisation_signed", "fast_track", "accept_warnings"}:
        help_text = {
            "authorisation_signed": "农户已签署授权承诺书，同意查询家庭经济状况",
            "fast_track": "突发严重困难户：先落实帮扶，再补齐认定程序",
            "accept_warnings": "已核实上述“数字脱贫”风险提示，确认提出",
        }[name]
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    if name in {"income_12m", "spending_12m"}:
        return forms.DecimalField(label=label, min_value=0, max_digits=12, decimal_places=2, required=required)
    if name in {"date", "posting_start"}:
        return forms.DateField(label=label, widget=DATE, required=required, initial=timezone.localdate)
    if name == "coping":
        return forms.ChoiceField(label=label, choices=[("", "请选择"), *Coping.choices], required=required)
    if name == "hardship":
        return forms.CharField(
            label=label,
            widget=forms.Textarea(attrs={"rows": 2}),
            required=required,
            help_text="突发严重困难户必填：发生了什么、何时、造成的支出或收入损失",
        )
    if name == "elimination_way":
        return forms.ChoiceField(label=label, choices=ElimWay.choices, required=required)
    if name in {"reason", "objections"}:
        return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}), required=required)
    raise KeyError(name)


def transition_form(t: workflow.Transition, case, data=None, files=None) -> forms.Form:
    fields = {name: _field(name, name in t.required, case) for name in (*t.required, *t.optional)}
    fields["name"] = forms.CharField(widget=forms.HiddenInput, initial=t.name)
    fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=case.version)
    if t.evidence:
        fields["photos"] = MultiFileField(label="照片（jpg、png）", required=False)
        fields["scans"] = MultiFileField(label="扫描件（pdf、jpg、png）", required=False)
    form_class = type(f"{t.name}Form", (forms.Form,), fields)
    return form_class(data=data, files=files, prefix=t.name)


class DiscoverForm(forms.Form):
    household = forms.ModelChoiceField(
        label="农户",
        queryset=None,
        widget=PickerInput("api:pick_households"),
        error_messages={"invalid_choice": "请从查找结果中选择本村尚无在办案件的农户"},
    )
    channel = forms.ChoiceField(
        label="发现渠道",
        choices=[(Channel.CADRE_VISIT, Channel.CADRE_VISIT.label), (Channel.SELF_APPLICATION, "农户到村申报")],
    )
    risk_types = forms.MultipleChoiceField(
        label="初步风险类型", choices=RISK_CHOICES, widget=RISK_SELECT, required=False
    )
    discovered_on = forms.DateField(label="发现日期", widget=DATE, initial=timezone.localdate)
    description = forms.CharField(label="情况描述", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = (
            lambda h: f"{h.head_name or '（未登记户主）'} · {h.number} · {h.village.name}"
        )


class MeasureForm(forms.Form):
    category = forms.ChoiceField(label="措施类别", choices=MEASURE_CATEGORY_CHOICES)
    content = forms.CharField(label="帮扶内容", max_length=300)
    unit = forms.CharField(label="实施单位", max_length=128)
    person = forms.CharField(label="责任人", max_length=64)
    start_on = forms.DateField(label="开始日期", widget=DATE, initial=timezone.localdate)
    end_on = forms.DateField(label="结束日期", widget=DATE, required=False)
    amount = forms.DecimalField(label="资金或收益（元）", min_value=0, max_digits=12, decimal_places=2, initial=0)
    status = forms.ChoiceField(label="状态", choices=MeasureStatus.choices)


class HelperAssignForm(forms.Form):
    helper = forms.ModelChoiceField(label="帮扶责任人", queryset=None, empty_label="请选择")

    def __init__(self, *args, helpers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers


class HelperForm(forms.Form):
    village = forms.ModelChoiceField(label="负责村", queryset=None, empty_label="请选择村")
    name = forms.CharField(label="姓名", max_length=64)
    unit = forms.CharField(label="工作单位", max_length=128)
    position = forms.CharField(label="职务", max_length=64, required=False)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        searchable(self.fields["village"], "api:pick_regions", params={"level": "village"}, placeholder="输入村名查找")


class VisitForm(forms.Form):
    date = forms.DateField(label="走访日期", widget=DATE, initial=timezone.localdate)
    changes = forms.CharField(label="家庭变化情况", widget=forms.Textarea(attrs={"rows": 3}))
    per_capita_income = forms.DecimalField(
        label="人均纯收入测算（元/年，可不填）", min_value=0, max_digits=12, decimal_places=2, required=False
    )
    photos = MultiFileField(
        label="照片（jpg、png）",
        required=False,
        widget=MultiFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="材料类型", choices=EvidenceKind.choices)
    file = forms.FileField(label="文件")


class StandardForm(forms.ModelForm):
    class Meta:
        model = YearStandard
        fields = [
            "year",
            "threshold",
            "reference_income",
            "decision_days",
            "decision_unit",
            "home_check_days",
            "home_check_unit",
            "posting_days",
            "posting_unit",
            "stable_months",
            "visit_interval_days",
            "visit_interval_unit",
            "income_collection_closes",
            "is_demo",
            "note",
        ]
        widgets = {"income_collection_closes": forms.DateInput(attrs={"type": "date"})}


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="户主或编号", required=False)
    state = forms.ChoiceField(label="环节", required=False)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部")] + list(MonitoringKind.choices))
    risk_type = forms.ChoiceField(label="风险类型", required=False, choices=[("", "全部")] + RISK_CHOICES)
    region = forms.CharField(label="区划", required=False)  # a cascade for the user (region_filter_field)
    overdue = forms.BooleanField(label="仅逾期", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "全部"), ("open", "未办结"), ("monitored_all", "监测对象（含消除中）")] + [
            (c, s.label) for c, s in workflow.STATES.items()
        ]
        self.fields["region"] = (
            region_filter_field(partial(scope.region_levels, user)) if user else self.fields["region"]
        )


class ApplyForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    phone = forms.CharField(label="联系电话", max_length=32, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    id_number = forms.CharField(label="身份证号", max_length=20)
    # Cascading selects rendered by the template (htmx loads the next level); validated in the view.
    village = forms.CharField(label="村", required=False)
    risk_type = forms.ChoiceField(label="遇到的困难", choices=[("", "请选择")] + RISK_CHOICES)
    description = forms.CharField(label="具体情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)


class StatusForm(forms.Form):
    reference = forms.CharField(label="受理号", max_length=20)
    id_number = forms.CharField(label="身份证号", max_length=20)
