"""The department feeds' specifications: for each source its exact headers, column kinds and
natural key (``SPECS``). The import itself is in feeds.py."""

from __future__ import annotations

from dataclasses import dataclass

MONEY_RE = r"^\d+(\.\d{1,2})?$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True)
class Col:
    header: str
    name: str
    kind: str  # id, text, date, money, year, enum, village
    choices: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class FeedSpec:
    source: str
    title: str
    cols: tuple[Col, ...]
    key: tuple[str, ...]  # internal column names; "id" means the ID number (stored as its hash)
    date_col: str  # the record's date (for windows and "latest")
    extra_check: str = ""  # SQL boolean that must hold, over typed columns
    extra_message: str = ""
    extra_col: str = ""

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.cols]

    def col(self, name: str) -> Col:
        return next(c for c in self.cols if c.name == name)

    @property
    def has_id(self) -> bool:
        return any(c.kind == "id" for c in self.cols)


SPECS: dict[str, FeedSpec] = {
    s.source: s
    for s in [
        FeedSpec(
            "medical",
            "医保结算",
            (
                Col("结算流水号", "serial", "text"),
                Col("身份证号", "id", "id"),
                Col("姓名", "name", "text"),
                Col("结算日期", "rec_date", "date"),
                Col("医疗总费用", "total", "money"),
                Col("基本医保支付", "basic", "money"),
                Col("大病保险支付", "serious", "money"),
                Col("医疗救助支付", "aid", "money"),
                Col("个人负担", "burden", "money"),
            ),
            key=("serial",),
            date_col="rec_date",
            extra_check="abs(total - basic - serious - aid - burden) <= 0.01",
            extra_message="个人负担应等于医疗总费用减去基本医保、大病保险、医疗救助支付（相差不超过0.01元）",
            extra_col="个人负担",
        ),
        FeedSpec(
            "insurance",
            "医保参保",
            (
                Col("身份证号", "id", "id"),
                Col("姓名", "name", "text"),
                Col("参保年度", "year", "year"),
                Col("参保状态", "status", "enum", ("已参保", "未参保", "中断")),
            ),
            key=("id", "year"),
            date_col="",
        ),
        FeedSpec(
            "civil",
            "民政救助",
            (
                Col("身份证号", "id", "id"),
                Col("姓名", "name", "text"),
                Col("救助类型", "kind", "enum", ("低保", "特困", "临时救助")),
                Col("状态", "status", "enum", ("在保", "停保", "已发放")),
                Col("开始日期", "rec_date", "date"),
                Col("金额", "amount", "money"),
            ),
            key=("id", "kind", "rec_date"),
            date_col="rec_date",
        ),
        FeedSpec(
            "disability",
            "残联",
            (
                Col("身份证号", "id", "id"),
                Col("姓名", "name", "text"),
                Col("残疾类别", "category", "text"),
                Col("残疾等级", "grade", "enum", ("一级", "二级", "三级", "四级")),
                Col("发证日期", "rec_date", "date"),
            ),
            key=("id", "rec_date"),
            date_col="rec_date",
        ),
        FeedSpec(
            "education",
            "教育",
            (
                Col("身份证号", "id", "id"),
                Col("姓名", "name", "text"),
                Col("学段", "stage", "text"),
                Col("在校状态", "status", "enum", ("在校", "辍学", "休学", "毕业")),
                Col("日期", "rec_date", "date"),
            ),
            key=("id", "rec_date"),
            date_col="rec_date",
        ),
        FeedSpec(
            "housing",
            "住建",
            (
                Col("身份证号", "id", "id"),
                Col("鉴定日期", "rec_date", "date"),
                Col("鉴定等级", "grade", "enum", ("A", "B", "C", "D")),
            ),
            key=("id", "rec_date"),
            date_col="rec_date",
        ),
        FeedSpec(
            "water",
            "水务",
            (
                Col("村代码", "village_code", "village"),
                Col("问题类型", "kind", "enum", ("水量", "水质", "方便程度", "供水保障率")),
                Col("发现日期", "rec_date", "date"),
                Col("状态", "status", "enum", ("未整改", "已整改")),
            ),
            key=("village_code", "kind", "rec_date"),
            date_col="rec_date",
        ),
        FeedSpec(
            "employment",
            "人社",
            (
                Col("身份证号", "id", "id"),
                Col("姓名", "name", "text"),
                Col("就业状态", "status", "enum", ("在岗", "失业", "务工中断")),
                Col("月收入", "income", "money"),
                Col("日期", "rec_date", "date"),
            ),
            key=("id", "rec_date"),
            date_col="rec_date",
        ),
        FeedSpec(
            "disaster",
            "应急",
            (
                Col("身份证号", "id", "id"),
                Col("灾害类型", "kind", "enum", ("洪涝", "地质", "旱灾", "生物", "气象", "地震", "其他")),
                Col("损失金额", "loss", "money"),
                Col("发生日期", "rec_date", "date"),
            ),
            key=("id", "rec_date", "kind"),
            date_col="rec_date",
        ),
        FeedSpec(
            "death",
            "公安",
            (
                Col("身份证号", "id", "id"),
                Col("姓名", "name", "text"),
                Col("死亡日期", "rec_date", "date"),
            ),
            key=("id",),
            date_col="rec_date",
        ),
    ]
}
