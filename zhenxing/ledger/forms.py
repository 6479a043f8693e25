from __future__ import annotations

from django import forms

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department
from zhenxing.lib.picker import PickerInput, searchable
from zhenxing.lib.workdays import CALENDAR, UNIT_CHOICES

from .models import (
    DecisionOutcome,
    InspectionKind,
    RectificationType,
    Rhythm,
    Scoring,
    SourceKind,
    Unit,
    UnitKind,
)

DATE = forms.DateInput(attrs={"type": "date"})


def unit_choices(user):
    """Units a user may pick: those in scope plus the prefecture's own departments (visible from below)."""
    return scope.choices(user, Unit).select_related("region")


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name if obj.region.depth <= 1 else f"{obj.region.name}{obj.name}"


class TaskAssignForm(forms.Form):
    lead_unit = UnitField(label="牵头单位", queryset=Unit.objects.none(), required=False)
    responsible_units = forms.ModelMultipleChoiceField(
        label="责任单位", queryset=Unit.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    deadline = forms.DateField(label="完成时限", widget=DATE)
    rhythm = forms.ChoiceField(label="进度报送频次", choices=Rhythm.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = unit_choices(user)
        searchable(self.fields["lead_unit"], "api:pick_units", placeholder="输入单位名称查找")
        self.fields["responsible_units"].queryset = unit_choices(user)


class TaskEditForm(forms.Form):
    title = forms.CharField(label="任务", max_length=200)
    measures = forms.CharField(label="工作措施（验收清单，每行一项）", widget=forms.Textarea(attrs={"rows": 6}))


class MilestoneForm(forms.Form):
    due = forms.DateField(label="节点时间", widget=DATE)
    title = forms.CharField(label="节点目标", max_length=200)


class CommitForm(forms.Form):
    owner_unit = UnitField(label="本地责任单位", queryset=Unit.objects.none(), required=False)
    owner_person = forms.CharField(label="责任人", max_length=64)
    commitment = forms.CharField(label="承诺事项", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = unit_choices(user)
        searchable(self.fields["owner_unit"], "api:pick_units", placeholder="输入单位名称查找")


class ReportForm(forms.Form):
    period = forms.DateField(label="报送期（所属月份任一日）", widget=DATE, required=False)
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}))
    figures = forms.CharField(label="数据", max_length=500, required=False)
    attachment = forms.FileField(label="附件", required=False)


class EvidenceForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label="完成情况及佐证", widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label="佐证材料", required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ItemForm(forms.Form):
    type = forms.ModelChoiceField(label="台账类型", queryset=RectificationType.objects.all())
    region = forms.ModelChoiceField(label="所在区划", queryset=None)
    household = forms.CharField(
        label="农户户编号（可选）",
        max_length=32,
        required=False,
        widget=PickerInput("api:pick_households", value="code", placeholder="输入户主姓名或户编号查找"),
    )
    source = forms.ChoiceField(label="问题来源", choices=SourceKind.choices)
    source_label = forms.CharField(label="来源说明", max_length=200, required=False)
    problem = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))
    found_on = forms.DateField(label="发现日期", widget=DATE)
    deadline = forms.DateField(label="整改时限（空则按类型默认天数）", widget=DATE, required=False)
    responsible_unit = UnitField(label="责任单位", queryset=Unit.objects.none(), required=False)
    responsible_person = forms.CharField(label="责任人", max_length=64, required=False)
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions(user).order_by("path")
        top = user.region.depth
        self.fields["region"].label_from_instance = lambda r: "　" * (r.depth - top) + r.display_name
        searchable(self.fields["region"], "api:pick_regions", placeholder="输入区划名称查找")
        self.fields["responsible_unit"].queryset = unit_choices(user)
        searchable(self.fields["responsible_unit"], "api:pick_units", placeholder="输入单位名称查找")


class ItemActionForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label="整改佐证", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label="佐证材料", required=False)
    on = forms.DateField(label="日期", widget=DATE, required=False)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="决定", choices=DecisionOutcome.choices)
    unit = UnitField(label="被问责单位", queryset=Unit.objects.none(), required=False)
    people = forms.CharField(label="相关责任人", max_length=200, required=False)
    document = forms.CharField(label="文件文号", max_length=100, required=False)
    document_file = forms.FileField(label="文件", required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(user)
        searchable(self.fields["unit"], "api:pick_units", placeholder="输入单位名称查找")


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label="督导方式", choices=InspectionKind.choices)
    title = forms.CharField(label="名称", max_length=200)
    region = forms.ModelChoiceField(label="被督导区划", queryset=None)
    started_on = forms.DateField(label="督导日期", widget=DATE)
    unit = UnitField(label="督导单位", queryset=Unit.objects.none(), required=False)
    inspectors = forms.CharField(label="督导人员", max_length=200, required=False)
    summary = forms.CharField(label="总体情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions(user).filter(depth__lte=3).order_by("path")
        searchable(self.fields["region"], "api:pick_regions", params={"max_depth": "3"}, placeholder="输入区划名称查找")
        self.fields["unit"].queryset = unit_choices(user)
        searchable(self.fields["unit"], "api:pick_units", placeholder="输入单位名称查找")


class FindingForm(forms.Form):
    type = forms.ModelChoiceField(label="台账类型", queryset=RectificationType.objects.all(), required=False)
    region = forms.ModelChoiceField(label="问题所在区划", queryset=None)
    problem = forms.CharField(label="发现问题", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="整改时限", widget=DATE, required=False)
    responsible_unit = UnitField(label="责任单位", queryset=Unit.objects.none(), required=False)
    responsible_person = forms.CharField(label="责任人", max_length=64, required=False)

    def __init__(self, *args, user, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions(user).filter(path__startswith=inspection.region.path)
        searchable(
            self.fields["region"],
            "api:pick_regions",
            params={"region": inspection.region.code},
            placeholder="输入区划名称查找",
        )
        self.fields["responsible_unit"].queryset = unit_choices(user)
        searchable(self.fields["responsible_unit"], "api:pick_units", placeholder="输入单位名称查找")


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=64)
    kind = forms.ChoiceField(label="单位类别", choices=UnitKind.choices)
    region = forms.ModelChoiceField(label="所在区划", queryset=None)
    department = forms.ChoiceField(label="对应行业部门", choices=[("", "—")] + list(Department.choices), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.regions(user).filter(depth__lte=3).order_by("path")
        searchable(self.fields["region"], "api:pick_regions", params={"max_depth": "3"}, placeholder="输入区划名称查找")


class MemberForm(forms.Form):
    username = forms.CharField(label="账户用户名", max_length=150)


class TypeForm(forms.Form):
    code = forms.SlugField(label="代码", max_length=32)
    name = forms.CharField(label="名称", max_length=64)
    department = forms.ChoiceField(label="主管行业部门", choices=[("", "—")] + list(Department.choices), required=False)
    recheck_required = forms.BooleanField(label="销号后须回头看", required=False)
    default_days = forms.IntegerField(label="默认整改时限", min_value=1, max_value=720, initial=30)
    default_days_unit = forms.ChoiceField(label="时限单位", choices=UNIT_CHOICES, initial=CALENDAR)


class SchemeForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2020, max_value=2100)
    title = forms.CharField(label="名称", max_length=200)
    as_of = forms.DateField(label="数据截止日期", widget=DATE)


class IndicatorForm(forms.Form):
    code = forms.ChoiceField(label="系统指标（评审指标留空）", required=False)
    name = forms.CharField(label="评审指标名称", max_length=200, required=False)
    weight = forms.DecimalField(label="分值", max_digits=6, decimal_places=2, min_value=0)
    scoring = forms.ChoiceField(label="计分方式", choices=Scoring.choices)
    target = forms.DecimalField(label="目标值（比例用小数，如0.95）", max_digits=14, decimal_places=4, required=False)

    def __init__(self, *args, **kwargs):
        from zhenxing.lib.modules import indicators

        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "—")] + [(c, f"{i.name}（{i.unit}）") for c, i in indicators().items()]


class ScoreForm(forms.Form):
    county = forms.IntegerField(widget=forms.HiddenInput)
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label="得分", max_digits=8, decimal_places=2, min_value=0)
    evidence = forms.CharField(label="评审依据", widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label="佐证材料", required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx）")
    year = forms.IntegerField(label="年度（空则取自标题）", required=False, min_value=2020, max_value=2100)
