"""Generates plan-2022.json from the plan text (run once by hand; the JSON is committed).

    python zhenxing/ledger/data/make_plan_json.py /work/shared/seeds/000_c6bccea41fd07c35.txt

Sections 一…十 under 二、重点任务 and tasks 1–23, each "N.标题。措施。措施……" (title = first sentence,
measures = the remaining sentences, split at 。 and ；); the four mechanisms of 三、推进机制 alike.
The suggested lead and responsible units are the ones the plan's wording implies; the prefecture
admin confirms and edits them in the system.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

LEADS = {
    1: ("乡村振兴局", ["民政局", "医保局", "人社局", "教育局", "住建局", "水务局", "卫健局", "残联"]),
    2: ("乡村振兴局", ["农业农村局", "人社局", "民政局", "医保局", "教育局"]),
    3: ("农业农村局", ["乡村振兴局", "财政局", "自然资源局"]),
    4: ("人社局", ["乡村振兴局", "农业农村局"]),
    5: ("医保局", ["卫健局", "乡村振兴局", "民政局"]),
    6: ("水务局", ["乡村振兴局", "卫健局"]),
    7: ("住建局", ["乡村振兴局", "民政局"]),
    8: ("农业农村局", ["财政局"]),
    9: ("乡村振兴局", ["财政局", "农业农村局", "水务局", "交通运输局"]),
    10: ("乡村振兴局", ["工商联"]),
    11: ("组织部", ["乡村振兴局"]),
    12: ("农业农村局", ["卫健局", "住建局"]),
    13: ("农业农村局", ["住建局", "生态环境局", "水务局"]),
    14: ("住建局", ["自然资源局", "交通运输局", "水务局", "农业农村局"]),
    15: ("组织部", ["政法委", "公安局", "司法局", "民政局"]),
    16: ("农业农村局", ["组织部", "乡村振兴局"]),
    17: ("教育局", ["卫健局", "人社局", "民政局", "文旅局"]),
    18: ("宣传部", ["文明办", "文旅局"]),
    19: ("文明办", ["民政局", "农业农村局"]),
    20: ("财政局", ["乡村振兴局", "农业农村局"]),
    21: ("组织部", ["人社局", "农业农村局", "教育局"]),
    22: ("乡村振兴局", ["督查室"]),
    23: ("宣传部", ["乡村振兴局"]),
}
MECHANISM_LEADS = {
    1: ("乡村振兴局", ["组织部"]),
    2: ("乡村振兴局", []),
    3: ("乡村振兴局", ["督查室"]),
    4: ("督查室", ["乡村振兴局"]),
}
NUMERALS = "一二三四五六七八九十"


def split(text: str) -> tuple[str, list[str]]:
    title, _, rest = text.partition("。")
    parts = [p.strip() for p in re.split(r"[。；;]", rest) if p.strip()]
    return title.strip(), [p + "。" for p in parts]


def parse(plan: str) -> dict:
    lines = [ln.strip() for ln in plan.splitlines()]
    start = lines.index("二、重点任务")
    mech = lines.index("三、推进机制")
    sections, tasks, mechanisms = [], [], []
    for ln in lines[start + 1 : mech]:
        m = re.match(r"^（([一二三四五六七八九十]+)）(.+)$", ln) or re.match(r"^\(([一二三四五六七八九十]+)\)(.+)$", ln)
        if m:
            sections.append({"number": NUMERALS.index(m.group(1)) + 1, "title": m.group(2).strip()})
            continue
        m = re.match(r"^(\d+)\.(.+)$", ln)
        if m:
            n = int(m.group(1))
            title, measures = split(m.group(2))
            lead, resp = LEADS[n]
            tasks.append(
                {
                    "number": n,
                    "section": sections[-1]["number"],
                    "title": title,
                    "text": m.group(2),
                    "measures": measures,
                    "lead_unit": lead,
                    "responsible_units": resp,
                }
            )
    for ln in lines[mech + 1 :]:
        m = re.match(r"^[（(]([一二三四])[）)](.+)$", ln)
        if m:
            n = NUMERALS.index(m.group(1)) + 1
            title, measures = split(m.group(2))
            lead, resp = MECHANISM_LEADS[n]
            mechanisms.append(
                {
                    "number": n,
                    "title": title,
                    "text": m.group(2),
                    "measures": measures,
                    "lead_unit": lead,
                    "responsible_units": resp,
                }
            )
    return {
        "year": 2022,
        "title": "大兴安岭地区2022年巩固拓展脱贫攻坚成果同乡村振兴有效衔接重点任务台账",
        "document": "大署办〔2022〕21号",
        "deadline": "2022-12-31",
        "sections": sections,
        "tasks": tasks,
        "mechanisms": mechanisms,
    }


if __name__ == "__main__":
    data = parse(Path(sys.argv[1]).read_text(encoding="utf-8"))
    out = Path(__file__).with_name("plan-2022.json")
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(out, len(data["sections"]), len(data["tasks"]), len(data["mechanisms"]))
