import io

from zhenxing.lib.progress import Progress


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_plain_lines_in_a_pipe():
    out = io.StringIO()
    with Progress(200, "导入", out) as p:
        for _ in range(200):
            p.advance()
    lines = out.getvalue().splitlines()
    assert lines[0] == "导入: 1/200 (0%)"
    assert "导入: 200/200 (100%)" in lines
    assert len(lines) == 12  # 0%..100% in tens, plus the closing line
    assert lines[-1].startswith("导入: 完成 200 项")


def test_a_bar_on_a_terminal():
    out = Tty()
    with Progress(10, "筛查", out) as p:
        p.advance(10)
    text = out.getvalue()
    assert "\r筛查 [##############################] 10/10" in text and "\n" in text
