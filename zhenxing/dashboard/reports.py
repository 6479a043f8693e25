"""Periodic reports (月报, 年度总结) for one region's subtree, as .docx, PDF and .xlsx.

Every figure comes from the indicator snapshots (the same numbers the dashboard shows): the key
figures with the change since the previous period, the lagging regions, the children ranked on
every figure, the overdue work (from the modules' pending lists), and charts.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.models import Role, User
from zhenxing.audit.context import acting
from zhenxing.lib import fonts, xlsx
from zhenxing.lib.modules import Indicator, PendingItem, pending_items
from zhenxing.regions.models import Level, Region

from . import selectors, services
from .models import Report, ReportKind
from .templatetags.dashboard_tags import format_change, format_figure

LEVEL_ROLE = {
    Level.PROVINCE: Role.PREFECTURE_ADMIN,
    Level.PREFECTURE: Role.PREFECTURE_ADMIN,
    Level.COUNTY: Role.COUNTY_STAFF,
    Level.TOWNSHIP: Role.TOWNSHIP_STAFF,
    Level.VILLAGE: Role.VILLAGE_CADRE,
}


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """ "2022-05" is May 2022's monthly report; "2022" is the 2022 yearly summary."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", (text or "").strip())
    try:
        if match is None:
            raise ValueError
        year = int(match[1])
        if match[2] is None:
            kind, start, end = ReportKind.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            start = dt.date(year, int(match[2]), 1)
            kind, end = ReportKind.MONTH, start.replace(day=calendar.monthrange(year, start.month)[1])
    except ValueError:
        raise ValidationError("报告期间格式应为 2022-05（月报）或 2022（年度总结）") from None
    if start > timezone.localdate():
        raise ValidationError("报告期间尚未开始")
    return kind, start, end


def region_reader(region: Region) -> User:
    """An unsaved account standing for the region's own office: what the report of a region may
    contain is exactly what that office may see."""
    return User(
        username=f"report-{region.code}",
        role=LEVEL_ROLE.get(region.level, Role.INSPECTOR),
        region=region,
        is_active=True,
    )


@dataclass
class ReportData:
    kind: str
    region: Region
    start: dt.date
    end: dt.date
    board: selectors.Board
    overdue: list[PendingItem]
    months: list[tuple[dt.date, dict[str, selectors.Cell]]] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.kind == ReportKind.YEAR:
            return f"{self.region.name}{self.start.year}年巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作年度总结"
        return (
            f"{self.region.name}{self.start.year}年{self.start.month}月巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作月报"
        )

    @property
    def as_of_text(self) -> str:
        b = self.board
        d = b.date.strftime("%Y年%-m月%-d日") if b.date else "无快照"
        p = b.previous_date.strftime("%Y年%-m月%-d日") if b.previous_date else "无"
        return f"数据截至：{d}；上期数据：{p}；生成时间：{timezone.localtime():%Y年%-m月%-d日 %H:%M}"

    def key_rows(self, typed: bool = False) -> list[list]:
        """``typed``: figures as ``xlsx.Figure`` (numbers for the .xlsx), else as the page writes them."""
        fig, chg = _figure_writers(typed)
        rows = []
        for section, items in self.board.sections:
            for r in items:
                u = r.indicator.unit
                rows.append(
                    [
                        section,
                        r.indicator.name,
                        u,
                        fig(r.cell.value, u),
                        fig(r.previous.value if r.previous else None, u),
                        chg(r.change, u),
                    ]
                )
        return rows

    def lagging_rows(self, typed: bool = False) -> list[list]:
        fig, _ = _figure_writers(typed)
        rows = []
        for ind, child, cell in self.board.lagging():
            ranking = self.board.ranking(ind)
            best = ranking[0] if ranking else None
            rows.append(
                [
                    ind.name,
                    child.name,
                    fig(cell.value, ind.unit),
                    best[1].name if best else "",
                    fig(best[2].value if best else None, ind.unit),
                ]
            )
        return rows

    def child_tables(self, typed: bool = False) -> list[tuple[str, list[Indicator], list[list]]]:
        fig, _ = _figure_writers(typed)
        out = []
        for section, items in self.board.sections:
            inds = [r.indicator for r in items]
            rows = [
                [c.name] + [fig(cell.value, i.unit) for i, cell in cells] for c, cells in self.board.child_rows(inds)
            ]
            out.append((section, inds, rows))
        return out

    def overdue_rows(self, typed: bool = False) -> list[list]:
        if typed:
            return [[i.category, i.label, i.count, i.overdue_days or None] for i in self.overdue]
        return [[i.category, i.label, str(i.count), str(i.overdue_days or "")] for i in self.overdue]

    def month_rows(self, typed: bool = False) -> tuple[list[str], list[list]]:
        fig, _ = _figure_writers(typed)
        head = ["指标"] + [f"{d.month}月" for d, _ in self.months]
        rows = []
        for _, items in self.board.sections:
            for r in items:
                i = r.indicator
                rows.append(
                    [i.name] + [fig(cells.get(i.code, selectors.Cell()).value, i.unit) for _, cells in self.months]
                )
        return head, rows

    def chart_specs(self) -> list[tuple[str, Indicator, list[tuple[str, float]]]]:
        """Per section: the children on the section's first ranked figure (else its first)."""
        specs = []
        if not self.board.children:
            return specs
        for section, items in self.board.sections:
            inds = [r.indicator for r in items]
            ind = next((i for i in inds if selectors.ranked(i)), inds[0])
            points = [(c.name, float(cell.value)) for _, c, cell in self.board.ranking(ind) if cell.value is not None]
            if points:
                specs.append((section, ind, points))
        return specs


def collect(region: Region, kind: str, start: dt.date, end: dt.date) -> ReportData:
    reader = region_reader(region)
    as_of = min(end, timezone.localdate())
    if selectors.snapshot_date(region, as_of) is None:
        services.snapshot_take(actor=None, date=as_of)
    previous_on = start - dt.timedelta(days=1)
    b = selectors.board(reader, region, as_of, previous_on=previous_on)
    overdue = [i for i in pending_items(reader) if i.overdue_days]
    data = ReportData(kind=kind, region=region, start=start, end=end, board=b, overdue=overdue)
    if kind == ReportKind.YEAR:
        month = start
        while month <= as_of:
            month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
            mb = selectors.board(reader, region, min(month_end, as_of))
            data.months.append((month_end, {r.indicator.code: r.cell for _, rows in mb.sections for r in rows}))
            month = month_end + dt.timedelta(days=1)
    return data


# ---- charts (PNG, drawn with Pillow in the embedded Chinese font) ----------------------------


def bar_chart_png(title: str, points: list[tuple[str, float]], *, percent: bool, unit: str) -> bytes:
    from PIL import Image, ImageDraw

    scale = 2
    font, title_font = fonts.pil_font(13 * scale), fonts.pil_font(15 * scale)
    label_w, bar_w, row_h = 150 * scale, 360 * scale, 26 * scale
    width, top = label_w + bar_w + 90 * scale, 34 * scale
    height = top + row_h * len(points) + 10 * scale
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    d.text((8 * scale, 6 * scale), title, fill="#222", font=title_font)
    top_value = max((abs(v) for _, v in points), default=0) or 1
    for i, (name, v) in enumerate(points):
        y = top + i * row_h
        d.text((8 * scale, y + 4 * scale), name[:10], fill="#222", font=font)
        w = int(bar_w * abs(v) / top_value)
        d.rectangle([label_w, y + 5 * scale, label_w + max(w, 1), y + row_h - 5 * scale], fill="#b4232a")
        text = f"{v * 100:.1f}%" if percent else format_figure(v, unit)
        d.text((label_w + w + 6 * scale, y + 4 * scale), text, fill="#222", font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


# ---- .docx ------------------------------------------------------------------------------------


def render_docx(data: ReportData) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = doc.styles[style_name]
        style.font.name = fonts.FAMILY
        style.element.rPr.rFonts.set(qn("w:eastAsia"), fonts.FAMILY)
    doc.styles["Normal"].font.size = Pt(10.5)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    heading = doc.add_heading(data.title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(data.as_of_text)

    def table(head: list[str], rows: list[list[str]]):
        t = doc.add_table(rows=1, cols=len(head))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, head, strict=False):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, row, strict=False):
                cell.text = text
        if not rows:
            t.add_row().cells[0].text = "无"

    doc.add_heading("一、主要指标", level=1)
    table(["类别", "指标", "单位", "本期", "上期", "变化"], data.key_rows())
    doc.add_heading("二、落后地区", level=1)
    table(["指标", "落后地区", "数值", "最好地区", "数值"], data.lagging_rows())
    doc.add_heading("三、逾期工作", level=1)
    table(["类别", "事项", "数量", "逾期天数"], data.overdue_rows())
    if data.board.children:
        doc.add_heading("四、下级区划排名", level=1)
        for section_name, inds, rows in data.child_tables():
            doc.add_heading(section_name, level=2)
            table(["区划"] + [i.name for i in inds], rows)
        doc.add_heading("五、图表", level=1)
        for section_name, ind, points in data.chart_specs():
            png = bar_chart_png(f"{section_name}：{ind.name}", points, percent=ind.unit == "%", unit=ind.unit)
            doc.add_picture(io.BytesIO(png), width=Cm(16))
    if data.months:
        doc.add_heading("六、逐月走势", level=1)
        head, rows = data.month_rows()
        table(head, rows)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---- PDF --------------------------------------------------------------------------------------


def render_pdf(data: ReportData) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = fonts.register_reportlab()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    h1 = ParagraphStyle("h1", fontName=font, fontSize=13, leading=18, spaceBefore=8, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=11, leading=15, spaceBefore=6, spaceAfter=3)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1, spaceAfter=6)
    story = [Paragraph(data.title, title), Paragraph(data.as_of_text, body), Spacer(1, 6)]
    page_w = A4[0] - 3 * cm

    def table(head: list[str], rows: list[list[str]]):
        rows = rows or [["无"] + [""] * (len(head) - 1)]
        t = Table(
            [[Paragraph(h, cell) for h in head]] + [[Paragraph(str(v), cell) for v in r] for r in rows],
            colWidths=[page_w / len(head)] * len(head),
            repeatRows=1,
        )
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(t)

    story.append(Paragraph("一、主要指标", h1))
    table(["类别", "指标", "单位", "本期", "上期", "变化"], data.key_rows())
    story.append(Paragraph("二、落后地区", h1))
    table(["指标", "落后地区", "数值", "最好地区", "数值"], data.lagging_rows())
    story.append(Paragraph("三、逾期工作", h1))
    table(["类别", "事项", "数量", "逾期天数"], data.overdue_rows())
    if data.board.children:
        story.append(Paragraph("四、下级区划排名", h1))
        for section_name, inds, rows in data.child_tables():
            story.append(Paragraph(section_name, h2))
            table(["区划"] + [i.name for i in inds], rows)
        story.append(Paragraph("五、图表", h1))
        for section_name, ind, points in data.chart_specs():
            png = bar_chart_png(f"{section_name}：{ind.name}", points, percent=ind.unit == "%", unit=ind.unit)
            from PIL import Image as PILImage

            w, h = PILImage.open(io.BytesIO(png)).size
            story.append(Image(io.BytesIO(png), width=page_w * 0.9, height=page_w * 0.9 * h / w))
    if data.months:
        story.append(Paragraph("六、逐月走势", h1))
        head, rows = data.month_rows()
        table(head, rows)
    buf = io.BytesIO()
    SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=data.title,
        author="振兴",
    ).build(story)
    return buf.getvalue()


# ---- .xlsx (the layout offices exchange: title row with region and date, frozen header) --------


def render_xlsx(data: ReportData) -> bytes:
    """Through the one writer (``lib/xlsx.py``): figures are number cells with number formats."""

    def sheet(name: str, head: list[str], rows: list[list], widths: list[int] | None = None, after=None):
        return xlsx.Sheet(
            title=data.title if name == "主要指标" else f"{data.region.name}{name}",
            subtitle=data.as_of_text,
            columns=head,
            rows=rows,
            name=name[:31],
            widths=widths
            or [
                max(10, min(30, max([len(str(h)) * 2] + [len(str(r[c])) * 2 for r in rows if c < len(r)])))
                for c, h in enumerate(head)
            ],
            freeze_cols=1,
            landscape=True,
            paper=9,
            after=after,
        )

    sheets = [
        sheet(
            "主要指标",
            ["类别", "指标", "单位", "本期", "上期", "变化"],
            data.key_rows(typed=True),
            [14, 30, 6, 14, 14, 16],
        ),
        sheet(
            "落后地区",
            ["指标", "落后地区", "数值", "最好地区", "数值"],
            data.lagging_rows(typed=True),
            [30, 20, 12, 20, 12],
        ),
        sheet("逾期工作", ["类别", "事项", "数量", "逾期天数"], data.overdue_rows(typed=True), [12, 50, 8, 10]),
    ]
    if data.board.children:
        specs = {s[0]: s for s in data.chart_specs()}
        for section_name, inds, rows in data.child_tables(typed=True):
            spec = specs.get(section_name)
            after = _chart_after(section_name, spec, len(inds), len(rows)) if spec else None
            sheets.append(sheet(f"排名-{section_name}", ["区划"] + [i.name for i in inds], rows, after=after))
    if data.months:
        head, rows = data.month_rows(typed=True)
        sheets.append(sheet("逐月走势", head, rows))
    return xlsx.workbook_bytes(*sheets)


def _chart_after(section_name: str, spec, n_inds: int, n_rows: int):
    """A native bar chart of the children on the section's charted figure, beside the table."""
    _, ind, points = spec

    def draw(book, ws, formats, next_row):
        header_row = next_row - n_rows - 1
        col = n_inds + 2
        ws.write(header_row, col, "区划", formats.header)
        ws.write(header_row, col + 1, ind.name, formats.header)
        for r, (name, v) in enumerate(points, start=header_row + 1):
            ws.write_string(r, col, name)
            ws.write_number(r, col + 1, v * 100 if ind.unit == "%" else v)
        chart = book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": ind.name + ("（%）" if ind.unit == "%" else f"（{ind.unit}）"),
                "categories": [ws.name, header_row + 1, col, header_row + len(points), col],
                "values": [ws.name, header_row + 1, col + 1, header_row + len(points), col + 1],
                "data_labels": {"value": True},
                "fill": {"color": "#B4232A"},
            }
        )
        chart.set_legend({"none": True})
        chart.set_title({"name": f"{section_name}：{ind.name}"})
        chart.set_y_axis({"reverse": True})
        ws.insert_chart(next_row + 2, 0, chart)

    return draw


def _figure_writers(typed: bool):
    """How the row builders write a figure and a change: ``xlsx.Figure`` or the page's text."""
    if typed:
        return (
            lambda v, u="": xlsx.Figure(v, u),
            lambda v, u="": xlsx.Figure(v, u, change=True),
        )
    return format_figure, format_change


def report_generate(*, actor, region: Region, kind: str, start: dt.date, end: dt.date) -> Report:
    """Produce the three files and keep them with the report record."""
    data = collect(region, kind, start, end)
    stem = f"{region.code}-{start:%Y%m}-{kind}-{timezone.now():%Y%m%d%H%M%S}"
    files = {"docx": render_docx(data), "pdf": render_pdf(data), "xlsx": render_xlsx(data)}
    with transaction.atomic(), acting(actor):
        report = Report(
            kind=kind,
            region=region,
            period_start=start,
            period_end=end,
            snapshot_date=data.board.date,
            previous_snapshot_date=data.board.previous_date,
            created_by=actor,
        )
        for fmt, content in files.items():
            getattr(report, fmt).save(f"{stem}.{fmt}", ContentFile(content), save=False)
        report.save()
    return report
