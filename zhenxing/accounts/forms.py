from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from zhenxing.lib.picker import searchable
from zhenxing.regions.models import Region

from . import lockout
from .backends import lock_refusing
from .models import Department, Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续失败5次将锁定15分钟。"),
        "inactive": _("该账户已停用。"),
        "locked": _("该账户登录失败次数过多，已锁定，请于%(until)s后再试，或请管理员解锁。"),
        "address_locked": _("本地址登录失败次数过多，已锁定，请于%(until)s后再试，或请管理员解除。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            lock = lock_refusing(self.request, username)
            if lock:
                code = "locked" if lock.kind == lockout.ACCOUNT else "address_locked"
                raise forms.ValidationError(
                    self.error_messages[code],
                    code=code,
                    params={"until": time_format(timezone.localtime(lock.until), "H:i")},
                )
        return super().clean()


class PasswordChangeForm(SetPasswordForm):
    """Old password, then the new one twice; the policy comes from AUTH_PASSWORD_VALIDATORS."""

    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("原密码不正确。"), code="password_incorrect")
        return value


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.ModelChoiceField(label=_("所属区划"), queryset=Region.objects.none())
    department = forms.ChoiceField(label=_("行业部门"), choices=[("", "—")] + list(Department.choices), required=False)
    unit = forms.CharField(label=_("工作单位"), max_length=128, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    password = forms.CharField(
        label=_("初始密码"), strip=False, widget=forms.PasswordInput, help_text=_("用户首次登录时须修改密码。")
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()
        self.fields["region"].label_from_instance = lambda r: f"{'　' * r.depth}{r.display_name}"
        searchable(self.fields["region"], "api:pick_regions", placeholder="输入区划名称查找")
