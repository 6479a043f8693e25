"""Mappings shipped with the system for the layouts the offices meet most (issue 22, item 3).

``全国监测系统导出``: a national-monitoring-system-style export of monitored households and members —
a row per person, 省/市/县/乡/村 in separate columns, 户编号 and 人编号, 证件号码, the national code
tables for 与户主关系 and 是/否 answers written as 1/0 — into the household template. Columns the
export does not carry (劳动能力 when it says 劳动技能, the income figures of another year) are
mapped where the export has them and left blank otherwise; blank is what the template allows.
"""

from __future__ import annotations

YES_NO = {"1": "是", "0": "否", "是": "是", "否": "否", "Y": "是", "N": "否", "有": "是", "无": "否"}

NATIONAL_HOUSEHOLDS = {
    "columns": {
        "户编号": "户编号",
        "县（市、区）": "县",
        "县": "县",
        "乡（镇）": "乡镇",
        "乡": "乡镇",
        "乡镇": "乡镇",
        "村": "村",
        "行政村": "村",
        "姓名": "姓名",
        "成员姓名": "姓名",
        "证件号码": "身份证号",
        "与户主关系": "与户主关系",
        "劳动技能": "劳动能力",
        "健康状况": "健康状况",
        "在校生状况": "在校状况",
        "务工状况": "务工状况",
        "是否参加城乡居民基本医疗保险": "是否参加医保",
        "是否脱贫户": "是否脱贫户",
        "脱贫年度": "脱贫年度",
        "联系电话": "联系电话",
        "收入年度": "收入年度",
        "工资性收入": "工资性收入",
        "生产经营性收入": "生产经营性收入",
        "财产性收入": "财产性收入",
        "转移性收入": "转移性收入",
        "生产经营性支出": "生产经营性支出",
        "合规自付支出": "合规自付支出",
        "住房是否安全": "住房安全",
        "饮水是否安全": "饮水安全",
    },
    "values": {
        # 与户主关系 in the national code table (GB/T 4761 家庭关系代码) and in its words.
        "与户主关系": {
            **{code: "户主" for code in ("01", "02")},
            **{code: "配偶" for code in ("10", "11", "12")},
            **{f"2{d}": "之子" for d in range(10)},
            **{f"3{d}": "之女" for d in range(10)},
            **{code: "之孙子" for code in ("40", "41", "43")},
            **{code: "之孙女" for code in ("42", "44")},
            "50": "之父",
            "51": "之父",
            "52": "之母",
            **{f"7{d}": "兄弟姐妹" for d in range(10)},
            "80": "其他",
            "99": "其他",
            "儿媳": "之儿媳",
            "女婿": "之女婿",
        },
        "劳动能力": {
            "技能劳动力": "普通劳动力",
            "普通劳动力": "普通劳动力",
            "弱劳动力或半劳动力": "弱劳动力",
            "丧失劳动力": "丧失劳动力",
            "无劳动力": "无劳动力",
        },
        "是否参加医保": YES_NO,
        "是否脱贫户": YES_NO,
        "住房安全": YES_NO,
        "饮水安全": YES_NO,
    },
}

BUILTIN: dict[tuple[str, str], dict] = {
    ("households", "全国监测系统导出"): NATIONAL_HOUSEHOLDS,
}
