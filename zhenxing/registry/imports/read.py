"""Household import, step 1 — read: the standard template's columns and the file's header row.

The file is read by the one tabular reader (``zhenxing.lib.tabular``): .xlsx/.xls/.csv, encodings,
title rows above the header and the header texts offices use for the template's columns.
"""

from __future__ import annotations

from zhenxing.lib import tabular

# The standard template, in order. (header, key)
COLUMNS: list[tuple[str, str]] = [
    ("户编号", "number"),
    ("县", "county"),
    ("乡镇", "township"),
    ("村", "village"),
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("与户主关系", "relation"),
    ("劳动能力", "labour"),
    ("健康状况", "health"),
    ("在校状况", "schooling"),
    ("务工状况", "work_status"),
    ("是否参加医保", "insured"),
    ("是否脱贫户", "formerly_poor"),
    ("脱贫年度", "exit_year"),
    ("联系电话", "phone"),
    ("收入年度", "income_year"),
    ("工资性收入", "wage_income"),
    ("生产经营性收入", "business_income"),
    ("财产性收入", "property_income"),
    ("转移性收入", "transfer_income"),
    ("生产经营性支出", "business_cost"),
    ("合规自付支出", "eligible_spending"),
    ("住房安全", "housing_safe"),
    ("饮水安全", "water_safe"),
]
HEADERS = [h for h, _ in COLUMNS]
HEADER_OF = {k: h for h, k in COLUMNS}
KEY_OF = {h: k for h, k in COLUMNS}
MONEY_KEYS = (
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_cost",
    "eligible_spending",
)
# Read from the 户主 row; other rows must not contradict them.
HOUSEHOLD_KEYS = (
    "county",
    "township",
    "village",
    "formerly_poor",
    "exit_year",
    "phone",
    "income_year",
    *MONEY_KEYS,
    "housing_safe",
    "water_safe",
)
HOUSEHOLD_FIELDS = (
    "village_id",
    "phone",
    "formerly_poor",
    "exit_year",
    "housing_safe",
    "water_safe",
    "schooling_secured",
    "medical_insured",
)
MEMBER_FIELDS = ("name", "relation", "labour", "health", "schooling", "work_status", "insured")
BATCH = 2000
HEADER_ROWS = 15  # the header row is looked for in the first 15 rows
FINDS_HEADER = ("户编号", "身份证号")

HEADER_ALIASES = {
    "户号": "户编号",
    "家庭编号": "户编号",
    "身份证号码": "身份证号",
    "证件号码": "身份证号",
    "公民身份号码": "身份证号",
    "县市区": "县",
    "县(市、区)": "县",
    "乡镇街道": "乡镇",
    "乡(镇)": "乡镇",
    "行政村": "村",
    "村名": "村",
    "电话": "联系电话",
    "手机号": "联系电话",
    "是否参保": "是否参加医保",
}
LAYOUT = tabular.Layout(headers=HEADERS, aliases=HEADER_ALIASES)

Unreadable = tabular.Unreadable
normalise_header = tabular.normalise_header


def read_table(data: bytes, filename: str = "", layout: tabular.Layout = LAYOUT, *, mapping=None) -> tabular.Table:
    """The file's rows and its header row (a title row above it is fine); ``mapping``: a saved column
    mapping for another office's layout. Raises Unreadable."""
    return tabular.read_table(
        data, layout, filename=filename, required=FINDS_HEADER, within=HEADER_ROWS, mapping=mapping
    )


def records(table: tabular.Table):
    """(file row number, {key: cell value}) for every non-blank row below the header."""
    for row_no, values in table.records():
        yield row_no, {KEY_OF[h]: v for h, v in values.items()}
