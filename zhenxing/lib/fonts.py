"""The one Chinese font of every PDF (postings, reports) and every report chart.

The package ships WenQuanYi Micro Hei, subset to GBK and the shipped region names
(``fontfiles/``, see its README.md), so no system font is needed. The setting ``CJK_FONT_PATH``
(environment variable ``ZHENXING_CJK_FONT``) names another TrueType file (.ttf, or the first face
of a .ttc) to use instead.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VENDORED_FONT = Path(__file__).resolve().parent / "fontfiles" / "wqy-microhei-gbk.ttf"
# The family .docx and .xlsx files ask the reader's office software for (they embed no font).
FAMILY = "WenQuanYi Micro Hei"
PDF_FONT = "ZhenxingCJK"

_lock = threading.Lock()
_registered: dict[Path, str] = {}


def font_path() -> Path:
    """The font file in use: the setting's, else the vendored one."""
    path = Path(getattr(settings, "CJK_FONT_PATH", "") or VENDORED_FONT)
    if not path.is_file():
        raise ImproperlyConfigured(
            f"中文字体文件不存在：{path}（请检查设置 CJK_FONT_PATH 或环境变量 ZHENXING_CJK_FONT）"
        )
    return path


def register_reportlab() -> str:
    """Register the font with reportlab (once per font file) and return its name for styles."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = font_path()
    with _lock:
        name = _registered.get(path)
        if name is None:
            name = PDF_FONT if not _registered else f"{PDF_FONT}{len(_registered)}"
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            _registered[path] = name
    return name


def pil_font(size: int):
    """The font at ``size`` pixels for Pillow's ImageDraw."""
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path()), size, index=0)
