"""Forms for the village ledgers; every choice list is limited to the user's data scope."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.lib.picker import PickerInput, searchable
from zhenxing.registry.models import Household, Member, MemberStatus

from . import models as m
from .selectors import villages


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.household.number}）"


class HouseholdChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Household) -> str:
        return f"{obj.head_name or '户'}（{obj.number}）"


def _picker(url_name: str, village=None, **kwargs) -> PickerInput:
    """A type-to-search input over the scoped autocomplete (narrowed to the page's village)."""
    return PickerInput(url_name, params={"region": village.code} if village is not None else None, **kwargs)


class VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class ScopedForm(forms.ModelForm):
    """Limits ``village``, ``member`` and ``household`` choices to the user's scope (and a village)."""

    def __init__(self, *args, user, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for f in self.fields.values():
            if isinstance(f, forms.DateField):
                f.widget = DateInput()
        if "village" in self.fields:
            qs = villages(user)
            self.fields["village"] = VillageChoice(
                queryset=qs, label=self.fields["village"].label, initial=qs.first() if qs.count() == 1 else None
            )
            searchable(
                self.fields["village"], "api:pick_regions", params={"level": "village"}, placeholder="输入村名查找"
            )
        if "member" in self.fields:
            qs = (
                scope.scoped(user, Member)
                .filter(status=MemberStatus.ACTIVE)
                .select_related("household")
                .order_by("household__number", "id")
            )
            if village is not None:
                qs = qs.filter(household__village=village)
            self.fields["member"] = MemberChoice(
                queryset=qs,
                label=self.fields["member"].label,
                widget=_picker("api:pick_members", village, placeholder="输入姓名、身份证号后四位或户编号"),
            )
        if "household" in self.fields:
            qs = scope.scoped(user, Household).order_by("number")
            if village is not None:
                qs = qs.filter(village=village)
            self.fields["household"] = HouseholdChoice(
                queryset=qs, label=self.fields["household"].label, widget=_picker("api:pick_households", village)
            )


class PostForm(ScopedForm):
    class Meta:
        model = m.PublicPost
        fields = ["village", "name", "kind", "monthly_pay", "funding"]


class HoldingForm(ScopedForm):
    class Meta:
        model = m.PostHolding
        fields = ["member", "start"]


class PayForm(ScopedForm):
    def __init__(self, *args, holdings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holding"].queryset = holdings
        self.fields["holding"].label_from_instance = lambda h: h.member.name

    class Meta:
        model = m.PostPay
        fields = ["holding", "month", "days_worked", "pay"]

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month.replace(day=1)


class WorkshopForm(ScopedForm):
    class Meta:
        model = m.Workshop
        fields = ["village", "name", "owner", "products", "policy_support", "support_amount"]


class WorkerForm(ScopedForm):
    class Meta:
        model = m.WorkshopWorker
        fields = ["member", "start", "monthly_wage"]


class LabourExportForm(ScopedForm):
    class Meta:
        model = m.LabourExport
        fields = ["member", "destination", "sector", "since", "until", "monthly_income"]


class PairingForm(ScopedForm):
    class Meta:
        model = m.Pairing
        fields = [
            "village",
            "partner",
            "partner_kind",
            "since",
            "committed_projects",
            "committed_money",
            "committed_jobs",
            "committed_purchases",
            "note",
        ]


class DeliveryForm(ScopedForm):
    class Meta:
        model = m.Delivery
        fields = ["date", "kind", "amount", "count", "note"]


class TeamForm(ScopedForm):
    class Meta:
        model = m.WorkTeam
        fields = ["village", "unit", "start", "end"]


class CadreForm(ScopedForm):
    class Meta:
        model = m.Cadre
        fields = ["name", "position", "home_unit", "phone", "start", "end"]


class LogForm(ScopedForm):
    class Meta:
        model = m.WorkLog
        fields = ["date", "in_village", "content"]


class CadreHouseholdForm(ScopedForm):
    class Meta:
        model = m.CadreHousehold
        fields = ["household"]


class TrainingForm(ScopedForm):
    class Meta:
        model = m.Training
        fields = ["date", "title", "hours"]


class AssessmentForm(ScopedForm):
    class Meta:
        model = m.CadreAssessment
        fields = ["year", "result", "note"]


class RuleForm(ScopedForm):
    class Meta:
        model = m.PointRule
        fields = ["category", "name", "points"]


class RuleEditForm(ScopedForm):
    class Meta:
        model = m.PointRule
        fields = ["category", "name", "active"]
        help_texts = {"active": "停用后不能再据此提议；分值不可修改（已有申报按原分值），需要新分值请新增规则。"}


class StoreItemEditForm(ScopedForm):
    class Meta:
        model = m.StoreItem
        fields = ["name", "price", "active"]
        help_texts = {"price": "库存请在商品页入库或出库。"}


class StoreItemForm(ScopedForm):
    class Meta:
        model = m.StoreItem
        fields = ["name", "price", "stock"]


class ProposeForm(forms.Form):
    household = HouseholdChoice(queryset=Household.objects.none(), label="农户")
    rule = forms.ModelChoiceField(queryset=m.PointRule.objects.none(), label="积分事项")
    date = forms.DateField(label="事项日期", widget=DateInput())
    proposer_name = forms.CharField(label="提议人（村民小组长）", max_length=64)
    note = forms.CharField(label="事由", max_length=300, required=False)

    def __init__(self, *args, user, village, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = scope.scoped(user, Household).filter(village=village).order_by("number")
        self.fields["household"].widget = _picker("api:pick_households", village)
        self.fields["household"].widget.choices = self.fields["household"].choices
        self.fields["rule"].queryset = scope.scoped(user, m.PointRule).filter(village=village, active=True)
        self.fields["date"].initial = timezone.localdate()


class RedeemForm(forms.Form):
    item = forms.ModelChoiceField(queryset=m.StoreItem.objects.none(), label="商品")
    quantity = forms.IntegerField(label="数量", min_value=1, initial=1)

    def __init__(self, *args, user, village, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = scope.scoped(user, m.StoreItem).filter(village=village, active=True, stock__gt=0)


class RestockForm(forms.Form):
    add = forms.IntegerField(label="入库数量（出库填负数）")


class PowerForm(ScopedForm):
    class Meta:
        model = m.Power
        fields = ["village", "number", "name", "category", "basis"]


class StepForm(forms.Form):
    name = forms.CharField(label="环节", max_length=100)
    actor_name = forms.CharField(label="责任主体", max_length=100)
    time_limit_days = forms.IntegerField(label="时限（天）", min_value=1, required=False)


class CaseForm(forms.Form):
    title = forms.CharField(label="事项名称", max_length=200)
    applicant = forms.CharField(label="申请人或经办人", max_length=64, required=False)
    opened = forms.DateField(label="启动日期", widget=DateInput())


class StepRecordForm(forms.Form):
    done_by = forms.CharField(label="办理人", max_length=64)
    done_on = forms.DateField(label="办理日期", widget=DateInput())
    note = forms.CharField(label="办理情况", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200)


class EndForm(forms.Form):
    end = forms.DateField(label="离岗日期", widget=DateInput())


class SettingForm(forms.ModelForm):
    class Meta:
        model = m.CountySetting
        fields = ["year", "workshop_poor_share", "cadre_days_required", "points_posting_days"]
