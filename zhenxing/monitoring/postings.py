"""公示: the village's list of households under posting, as a page and as a PDF.

A posting shows the head's name, the number of people, the kind (or the way of elimination) and the
posting period — never ID numbers, phone numbers of households, bank accounts or health details
(so not the risk types either: 因病/因残 are health details).
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from zhenxing.accounts.models import Role, User
from zhenxing.lib import fonts
from zhenxing.lib.workdays import CalendarYearUnknown
from zhenxing.regions.selectors import HOTLINE

from . import rules, selectors, workflow


def village_phone(village) -> str:
    user = User.objects.filter(region=village, role=Role.VILLAGE_CADRE, is_active=True).exclude(phone="").first()
    return user.phone if user else ""


def posting_data(user, village) -> dict:
    standards = selectors.Standards()
    rows = []
    qs = (
        selectors.cases(user)
        .filter(village=village, state__in=workflow.POSTING_STATES)
        .order_by("state", "household__number")
    )
    for case in qs:
        standard = standards.for_year(case.posting_start.year) if case.posting_start else None
        end = None
        if case.posting_start:
            try:  # the last day on the board: the day before the posting may close
                end = (
                    rules.posting_end(case, standard, standards.cal)
                    if standard
                    else case.posting_start + dt.timedelta(days=5)
                ) - dt.timedelta(days=1)
            except CalendarYearUnknown:
                end = None
        elimination = case.state == "elim_posting"
        rows.append(
            {
                "head_name": case.household.head_name,
                "members": case.household.living_members,
                "purpose": "风险消除" if elimination else "纳入监测",
                "detail": case.get_elimination_way_display() if elimination else case.get_kind_display(),
                "start": case.posting_start,
                "end": end,
            }
        )
    return {
        "village": village,
        "village_name": village.full_name(),
        "rows": rows,
        "today": timezone.localdate(),
        "phone": village_phone(village),
        "hotline": HOTLINE,
    }


def _d(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def posting_pdf(data: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = fonts.register_reportlab()
    title = ParagraphStyle("t", fontName=font, fontSize=18, leading=26, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=11, leading=18)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title="防返贫监测对象公示",
    )
    story = [
        Paragraph(f"{data['village'].display_name}防止返贫监测对象公示", title),
        Spacer(1, 6 * mm),
        Paragraph(
            "经农户申请（或干部排查、部门预警）、入户核实和村民主评议，现将下列农户予以公示，接受群众监督。", body
        ),
        Spacer(1, 4 * mm),
    ]
    table = [["序号", "户主姓名", "家庭人口", "公示事项", "类别或方式", "公示期"]]
    for i, r in enumerate(data["rows"], start=1):
        table.append(
            [str(i), r["head_name"], str(r["members"]), r["purpose"], r["detail"], f"{_d(r['start'])}至{_d(r['end'])}"]
        )
    if len(table) == 1:
        table.append(["", "目前没有公示中的农户", "", "", "", ""])
    t = Table(table, colWidths=[12 * mm, 25 * mm, 18 * mm, 22 * mm, 35 * mm, 62 * mm], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [t, Spacer(1, 6 * mm)]
    phone = data["phone"] or "（见村务公开栏）"
    story.append(
        Paragraph(
            f"公示期间如有异议，请向村委会反映（电话：{phone}），或拨打全国防返贫监测帮扶热线 {data['hotline']}。", body
        )
    )
    story.append(Spacer(1, 10 * mm))
    story.append(Paragraph(f"{data['village'].display_name}村民委员会　　{_d(data['today'])}", body))
    doc.build(story)
    return buf.getvalue()
