"""Pages render Chinese on a machine with no Chinese font: the vendored font is the stack's last fallback."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders

from zhenxing.lib.fonts import VENDORED_FONT


def test_the_stylesheet_falls_back_to_the_vendored_font_served_as_a_static_file():
    css_path = finders.find("zhenxing/zhenxing.css")
    css = open(css_path, encoding="utf-8").read()
    face = re.search(r'@font-face \{ font-family: "Zhenxing CJK"; src: url\("([^"]+)"\)', css)
    assert face, "样式表缺少内置字体"
    served = finders.find("zhenxing/" + face.group(1))
    assert served is not None and open(served, "rb").read() == VENDORED_FONT.read_bytes()
    body = re.search(r"body \{[^}]*font-family: ([^;]+);", css).group(1)
    families = [f.strip().strip('"') for f in body.split(",")]
    # installed Chinese fonts first, so a browser that has one never downloads the 3 MB file
    assert families[-2:] == ["Zhenxing CJK", "sans-serif"] and families[0] == "Microsoft YaHei"
