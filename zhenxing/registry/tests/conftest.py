from __future__ import annotations

import csv
import io

import pytest

from zhenxing.accounts.services import api_token_issue
from zhenxing.registry.imports import HEADERS
from zhenxing.registry.testing import new_id

HEAD_DEFAULTS = {
    "县": "塔河县",
    "乡镇": "十八站鄂伦春族乡",
    "村": "奋斗村",
    "劳动能力": "普通劳动力",
    "健康状况": "健康",
    "在校状况": "非在校生",
    "务工状况": "县内务工",
    "是否参加医保": "是",
    "是否脱贫户": "否",
    "联系电话": "13900000000",
    "收入年度": "2021",
    "工资性收入": "20000",
    "生产经营性收入": "5000",
    "财产性收入": "0",
    "转移性收入": "1000",
    "生产经营性支出": "1000",
    "合规自付支出": "0",
    "住房安全": "是",
    "饮水安全": "是",
}


def household_rows(number: str, *, head: dict | None = None, members: int = 1, **overrides) -> list[dict]:
    """Template rows for one household: a head (with the household columns) and ``members`` others."""
    rows = [
        {
            "户编号": number,
            "姓名": "王振华",
            "身份证号": new_id(),
            "与户主关系": "户主",
            **HEAD_DEFAULTS,
            **(head or {}),
            **overrides,
        }
    ]
    for i in range(members):
        rows.append(
            {
                "户编号": number,
                "姓名": f"王成员{i}",
                "身份证号": new_id(male=False),
                "与户主关系": "配偶" if i == 0 else "之子",
                "劳动能力": "普通劳动力",
                "健康状况": "健康",
                "在校状况": "非在校生",
                "务工状况": "未务工",
                "是否参加医保": "是",
            }
        )
    return rows


def to_csv(rows: list[dict], *, encoding: str = "utf-8", title: str | None = None, headers=None) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    if title:
        writer.writerow([title])
    headers = headers or HEADERS
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in HEADERS])
    return buf.getvalue().encode(encoding)


@pytest.fixture
def rows_factory():
    return household_rows


@pytest.fixture
def api(client):
    """``api(user, method, url, **kw)``: the request with a fresh Bearer token of ``user``."""

    def call(user, method, url, **kw):
        token = api_token_issue(user=user)[0]
        return getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {token}", **kw)

    return call
