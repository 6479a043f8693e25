"""The shipped Chinese font: used unless the setting names another file, registered once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from zhenxing.lib import fonts

ROOT = Path(fonts.__file__).resolve().parents[2]


def test_the_shipped_font_has_the_region_names_and_gbk_hanzi():
    from PIL import ImageFont

    font = ImageFont.truetype(str(fonts.VENDORED_FONT), 20)
    notdef = font.getmask("\uffff").getbbox()  # a code point the font surely lacks: the empty box
    for text in (
        "十八站鄂伦春族乡",
        "奋斗村",
        "漠河市",
        "防返贫监测",
        "（公示）",
        "鑫",
        "龘",
    ):  # 鑫, 龘: GBK, not GB 2312's level 1
        for char in text:
            assert font.getmask(char).getbbox() != notdef, char
    assert font.getmask("☉").getbbox() == notdef  # GBK, but not in WenQuanYi Micro Hei: the check sees a gap


def test_the_default_is_the_shipped_font(settings):
    settings.CJK_FONT_PATH = ""
    assert fonts.font_path() == fonts.VENDORED_FONT
    assert fonts.pil_font(12).path == str(fonts.VENDORED_FONT)


def test_the_setting_overrides_it(settings, tmp_path):
    system_font = tmp_path / "system-font.ttf"
    shutil.copy(fonts.VENDORED_FONT, system_font)
    settings.CJK_FONT_PATH = str(system_font)
    assert fonts.font_path() == system_font
    assert fonts.pil_font(12).path == str(system_font)


def test_reportlab_registration_happens_once(settings):
    from reportlab.pdfbase import pdfmetrics

    settings.CJK_FONT_PATH = str(fonts.VENDORED_FONT)
    name = fonts.register_reportlab()
    assert fonts.register_reportlab() == name
    assert pdfmetrics.getRegisteredFontNames().count(name) == 1
    assert pdfmetrics.getFont(name).face.name == b"WenQuanYiMicroHei"


def test_a_missing_override_is_refused_in_chinese(settings, tmp_path):
    settings.CJK_FONT_PATH = str(tmp_path / "no-such-font.ttc")
    with pytest.raises(ImproperlyConfigured, match="中文字体文件不存在.*no-such-font.ttc"):
        fonts.pil_font(12)
    with pytest.raises(ImproperlyConfigured, match="ZHENXING_CJK_FONT"):
        fonts.register_reportlab()


@pytest.mark.parametrize("value", ["/srv/fonts/wqy-microhei.ttc", None])
def test_the_environment_variable_sets_the_setting(value):
    env = {k: v for k, v in os.environ.items() if k != "ZHENXING_CJK_FONT"}
    env.update(
        DJANGO_SETTINGS_MODULE="zhenxing.settings.base",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    if value:
        env["ZHENXING_CJK_FONT"] = value
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.CJK_FONT_PATH)"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (value or str(fonts.VENDORED_FONT))
