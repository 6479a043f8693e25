from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from django import forms
from django.conf import settings

from zhenxing.accounts import scope
from zhenxing.lib.picker import PickerInput, region_filter_field, searchable
from zhenxing.regions.models import Level, Region

from . import idnumber
from .models import Health, Household, Labour, MonitoringKind, MonitoringStatus, Relation, Schooling, WorkStatus
from .selectors import SORT_LABELS, HouseholdFilters

YES_NO_ANY = [("", "全部"), ("1", "是"), ("0", "否")]


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label="姓名 / 户编号 / 身份证号", required=False, max_length=64)
    idh = forms.RegexField(regex=r"^[0-9a-f]{64}$", required=False, widget=forms.HiddenInput)
    region = forms.CharField(label="区划", required=False)  # a cascade, set per user below
    formerly_poor = forms.ChoiceField(label="脱贫户", required=False, choices=YES_NO_ANY)
    monitoring_status = forms.ChoiceField(
        label="监测状态", required=False, choices=[("", "全部")] + list(MonitoringStatus.choices)
    )
    income_min = forms.DecimalField(label="人均纯收入≥", required=False, min_value=0, max_digits=12, decimal_places=2)
    income_max = forms.DecimalField(label="人均纯收入≤", required=False, min_value=0, max_digits=12, decimal_places=2)
    labour = forms.ChoiceField(label="有成员劳动能力为", required=False, choices=[("", "全部")] + list(Labour.choices))
    health = forms.ChoiceField(label="有成员健康状况为", required=False, choices=[("", "全部")] + list(Health.choices))
    monitoring_kind = forms.ChoiceField(
        label="监测对象类别", required=False, choices=[("", "全部")] + list(MonitoringKind.choices)
    )
    income_below = forms.DecimalField(
        label="人均纯收入低于", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    housing_safe = forms.ChoiceField(label="住房安全", required=False, choices=YES_NO_ANY)
    water_safe = forms.ChoiceField(label="饮水安全", required=False, choices=YES_NO_ANY)
    medical_insured = forms.ChoiceField(label="全员参加基本医保", required=False, choices=YES_NO_ANY)
    schooling_secured = forms.ChoiceField(label="义务教育有保障", required=False, choices=YES_NO_ANY)
    sort = forms.ChoiceField(label="排序", required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args, user, region: Region | None = None, **kwargs):
        """``region``: the node of ``?region=`` already resolved by ``scope.region_param`` (which
        answered 404 for a code outside the scope); it applies even when another field is invalid."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.region = region
        self.fields["region"] = region_filter_field(partial(scope.region_levels, user))

    def filters(self) -> HouseholdFilters:
        if not self.is_bound or not self.is_valid():
            return HouseholdFilters(region=self.region)
        d = self.cleaned_data
        return HouseholdFilters(
            q=d["q"],
            id_hash=d["idh"],
            region=self.region,
            formerly_poor={"1": True, "0": False}.get(d["formerly_poor"]),
            monitoring_status=d["monitoring_status"],
            income_min=d["income_min"],
            income_max=d["income_max"],
            labour=d["labour"],
            health=d["health"],
            monitoring_kind=d["monitoring_kind"],
            income_below=d["income_below"],
            **{
                flag: {"1": True, "0": False}.get(d[flag])
                for flag in ("housing_safe", "water_safe", "medical_insured", "schooling_secured")
            },
            sort=d["sort"] or "number",
        )


def _village_field(user, initial=None) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label="所在村",
        queryset=scope.regions(user).filter(level=Level.VILLAGE).order_by("path"),
        initial=initial,
        error_messages={"required": "请选择所在村", "invalid_choice": "所选村不在您的数据权限范围内"},
    )
    return searchable(field, "api:pick_regions", params={"level": Level.VILLAGE}, placeholder="输入村名查找")


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "number",
            "village",
            "address",
            "phone",
            "formerly_poor",
            "exit_year",
            "housing_safe",
            "schooling_secured",
            "medical_insured",
            "water_safe",
        ]
        error_messages = {"number": {"required": "请填写户编号", "unique": "该户编号已存在"}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"] = _village_field(user)
        if self.instance.pk:
            del self.fields["number"]
        # A role that sees phones masked edits the masked form: left as it is, the number is kept.
        self._phone_masked = ""
        if self.instance.pk and self.instance.phone and not scope.may(user, "registry.phone.full"):
            from .services import phone_mask

            self._phone_masked = phone_mask(self.instance.phone)
            self.initial["phone"] = self._phone_masked
            self.fields["phone"].help_text = "号码已脱敏；不修改则保留原号码"

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        return self.instance.phone if self._phone_masked and phone == self._phone_masked else phone

    def clean_exit_year(self):
        year = self.cleaned_data.get("exit_year")
        if year and not (2013 <= year <= dt.date.today().year):
            raise forms.ValidationError("脱贫年度应在2013年至今之间")
        return year

    def clean(self):
        data = super().clean()
        if data.get("formerly_poor") and not data.get("exit_year"):
            self.add_error("exit_year", "脱贫户须填写脱贫年度")
        if not data.get("formerly_poor") and data.get("exit_year"):
            self.add_error("exit_year", "非脱贫户不应填写脱贫年度")
        return data


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64, error_messages={"required": "请填写姓名"})
    id_number = forms.CharField(label="身份证号", max_length=40, error_messages={"required": "请填写身份证号"})
    relation = forms.ChoiceField(label="与户主关系", choices=Relation.choices)
    labour = forms.ChoiceField(label="劳动能力", choices=Labour.choices)
    health = forms.ChoiceField(label="健康状况", choices=Health.choices)
    schooling = forms.ChoiceField(label="在校状况", choices=Schooling.choices, initial=Schooling.NOT_IN_SCHOOL)
    work_status = forms.ChoiceField(label="务工状况", choices=WorkStatus.choices, initial=WorkStatus.NONE)
    insured = forms.BooleanField(label="参加基本医保", required=False, initial=True)

    def clean_id_number(self):
        try:
            return idnumber.validate(self.cleaned_data["id_number"])
        except idnumber.IdNumberError as exc:
            raise forms.ValidationError(str(exc)) from None


class MemberChangeForm(forms.Form):
    KINDS = [("death", "死亡"), ("leave", "迁出（离开本系统管辖）"), ("move", "迁入本系统中的另一户")]
    kind = forms.ChoiceField(label="变动类型", choices=KINDS, widget=forms.RadioSelect)
    date = forms.DateField(
        label="变动日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写变动日期", "invalid": "日期格式不正确"},
    )
    reason = forms.CharField(label="原因", max_length=200, required=False)
    to_number = forms.CharField(
        label="迁入户（户间迁移时查找户主姓名或户编号）",
        max_length=32,
        required=False,
        widget=PickerInput("api:pick_households", value="code", placeholder="输入户主姓名或户编号查找"),
    )
    relation = forms.ChoiceField(label="在迁入户中与户主关系", choices=Relation.choices, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_date(self):
        d = self.cleaned_data["date"]
        if d > dt.date.today():
            raise forms.ValidationError("变动日期不能晚于今天")
        return d

    def clean(self):
        data = super().clean()
        if data.get("kind") == "leave" and not data.get("reason"):
            self.add_error("reason", "迁出须填写原因")
        if data.get("kind") == "move":
            number = (data.get("to_number") or "").strip()
            target = scope.scoped(self.user, Household).filter(number=number).first() if number else None
            if target is None:
                self.add_error("to_number", "请填写您数据权限范围内已登记的迁入户户编号")
            data["to_household"] = target
            if not data.get("relation"):
                self.add_error("relation", "请选择在迁入户中与户主关系")
        return data


class IncomeForm(forms.Form):
    year = forms.IntegerField(
        label="收入年度",
        min_value=2013,
        max_value=dt.date.today().year,
        error_messages={"min_value": "收入年度不能早于2013年", "max_value": "收入年度不能晚于今年"},
    )
    wage_income = forms.DecimalField(label="工资性收入（元）", min_value=0, max_digits=12, decimal_places=2, initial=0)
    business_income = forms.DecimalField(
        label="生产经营性收入（元）", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    property_income = forms.DecimalField(
        label="财产性收入（元）", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    transfer_income = forms.DecimalField(
        label="转移性收入（元）", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    business_cost = forms.DecimalField(
        label="生产经营性支出（元）", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    eligible_spending = forms.DecimalField(
        label="合规自付支出（元）", min_value=0, max_digits=12, decimal_places=2, initial=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f, forms.DecimalField):
                f.error_messages["min_value"] = "金额不能为负数"


class ImportForm(forms.Form):
    file = forms.FileField(label="导入文件（.xlsx、.xls 或 .csv）", error_messages={"required": "请选择要导入的文件"})
    only_valid = forms.BooleanField(label="只导入没有错误的农户（有错误的农户整户跳过）", required=False)
    mapping = forms.ChoiceField(label="列映射（其他格式的表格）", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from zhenxing.mappings.selectors import builtin_mappings, mappings_latest

        names = [m.name for m in mappings_latest(user, kind="households")] if user is not None else []
        names += [name for _, name, _ in builtin_mappings("households")]
        self.fields["mapping"].choices = [("", "标准模板（或自动识别已保存的映射）")] + [
            (n, n) for n in dict.fromkeys(names)
        ]

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError("只接受 .xlsx、.xls 或 .csv 文件")
        if f.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"文件超过{settings.UPLOAD_MAX_BYTES // 1024 // 1024}MB，请按乡镇拆分后导入")
        return f


def money(value) -> Decimal:
    return Decimal(value or 0)
