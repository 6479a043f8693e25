from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least ``min_classes`` of: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。") % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。") % {"n": self.min_classes}


class NotUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名。")


class MinimumLengthValidator:
    """Django's own, with a Chinese message (its zh_Hans catalogue lacks the 5.2 wording)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(_("密码长度至少为%(n)d个字符。") % {"n": self.min_length}, code="password_too_short")

    def get_help_text(self) -> str:
        return _("密码长度至少为%(n)d个字符。") % {"n": self.min_length}


# Words an attacker tries first against this site: its name, the prefecture's places and the work's
# pinyin. zxcvbn also knows common passwords, keyboard walks, dates and l33t substitutions.
SITE_WORDS = (
    "zhenxing",
    "zhen xing",
    "daxinganling",
    "dxal",
    "heilongjiang",
    "jiagedaqi",
    "songling",
    "xinlin",
    "huzhong",
    "tahe",
    "mohe",
    "huma",
    "fupin",
    "xiangcun",
    "fangfanpin",
    "jiance",
    "bangfu",
    "yibao",
    "minzheng",
    "cunganbu",
)


class StrengthValidator:
    """Refuses a password that zxcvbn scores below ``min_score`` (0–4) with the site's words and the
    account's own name as dictionary words: Password123!, P@ssw0rd2022 and Zhenxing@2023 are refused."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        from zxcvbn import zxcvbn

        own = [getattr(user, "username", "") or "", getattr(user, "full_name", "") or ""] if user else []
        result = zxcvbn(password[:100], user_inputs=[w for w in (*SITE_WORDS, *own) if w])
        if result["score"] < self.min_score:
            raise ValidationError(
                "密码太容易被猜到（常见密码、系统名称、地名拼音、年份或键盘顺序）：请用几个不相关的词加数字和符号",
                code="password_weak",
            )

    def get_help_text(self) -> str:
        return "不能是常见密码，也不能由系统名称、地名拼音和年份拼成"
