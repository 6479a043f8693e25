"""Citizen ID numbers (GB 11643-1999): normalise, validate, derive, mask, encrypt, hash.

A database dump alone reveals no ID number: members store a Fernet ciphertext (keys from
settings.ID_ENCRYPTION_KEYS, newest first, so ``zhenxing rotate-id-key`` can re-encrypt), an
HMAC-SHA256 keyed hash for exact lookup, and the masked form for display.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from zhenxing.lib import tabular
from zhenxing.lib.logmask import mask_id

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes.
PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
}


class IdNumberError(ValueError):
    """A Chinese message fit to show the user."""


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=False)) % 11]


def normalise(raw: object) -> str:
    """Surrounding spaces, full-width digits and a lower-case x are accepted and normalised.

    A number that spreadsheet software turned into a float or scientific notation has lost its
    last digits: it is refused, never guessed.
    """
    if raw is None:
        raise IdNumberError("身份证号不能为空")
    if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool)):
        raise IdNumberError("身份证号被 Excel 存成了数字，末几位可能已丢失；请把该列设为“文本”格式后重新填写")
    text = unicodedata.normalize("NFKC", str(raw)).strip().upper()
    if not text:
        raise IdNumberError("身份证号不能为空")
    if tabular.looks_mangled(text):
        raise IdNumberError("身份证号被 Excel 转成了科学计数法或数字，末几位已丢失；请把该列设为“文本”格式后重新填写")
    return text


def validate(raw: object) -> str:
    """The normalised 18-character number, or IdNumberError with a Chinese message."""
    text = normalise(raw)
    if re.fullmatch(r"\d{15}", text):
        raise IdNumberError(
            "15位旧身份证号须先升级为18位：在第6位后插入“19”，再按 GB 11643 计算第18位校验码"
            "（或以公安机关核发的18位号码为准）"
        )
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise IdNumberError("身份证号须为18位：前17位为数字，最后一位为数字或X")
    if text[:2] not in PROVINCES:
        raise IdNumberError(f"身份证号前两位 {text[:2]} 不是有效的省级行政区划代码")
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期 {text[6:14]} 无效") from None
    if born.year < 1900 or born > dt.date.today():
        raise IdNumberError(f"身份证号中的出生日期 {text[6:14]} 不合理")
    if check_char(text[:17]) != text[17]:
        raise IdNumberError("身份证号校验码不正确，请核对是否录错")
    return text


def full_id(text: str) -> str | None:
    """The whole, valid ID number a search box holds (normalised), or None for anything else (a name,
    a 户编号, part of a number). Every search that takes an ID number asks this one question: the
    registry's list and API, the pickers (``core/pickers.py``)."""
    try:
        return validate(text) if (text or "").strip() else None
    except IdNumberError:
        return None


def birth_date(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex(id_number: str) -> str:
    """'male' or 'female', from the 17th digit."""
    return "male" if int(id_number[16]) % 2 == 1 else "female"


def mask(id_number: str) -> str:
    """The masked form shown everywhere (one format, also the log filter's: lib/logmask)."""
    return mask_id(id_number)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.ID_ENCRYPTION_KEYS))


def encrypt(id_number: str) -> str:
    return fernet().encrypt(id_number.encode()).decode()


def decrypt(cipher: str) -> str:
    return fernet().decrypt(cipher.encode()).decode()


def rotate(cipher: str) -> str:
    """Re-encrypt under the newest key."""
    return fernet().rotate(cipher.encode()).decode()


def id_hash(id_number: str) -> str:
    return hmac.new(settings.ID_HASH_KEY.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def make(*, region: str = "232722", born: dt.date = dt.date(1980, 1, 1), seq: int = 1, male: bool = True) -> str:
    """A valid number for tests, demo and generated data (seq 0–499 per region and birth date)."""
    order = (seq % 500) * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{order:03d}"
    return first17 + check_char(first17)
