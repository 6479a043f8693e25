from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem

ENTRIES = [
    ("funds.figures", "衔接资金", "funds:figures", 400),
    ("funds.projects", "项目库", "funds:projects", 401),
    ("funds.allocations", "资金下达与安排", "funds:allocations", 402),
    ("funds.leakage", "跑冒滴漏检查", "funds:leakage", 403),
    ("funds.disclosures", "公告公示", "funds:disclosures", 404),
    ("funds.loans", "小额信贷", "funds:loans", 405),
    ("funds.staff_identities", "工作人员身份登记", "funds:staff_identities", 406),
    ("funds.parameters", "年度参数与支出计划", "funds:parameters", 407),
]


def items(user):
    return [
        NavItem(label, reverse(url), order=order, group="资金资产")
        for page, label, url, order in ENTRIES
        if scope.in_menu(user, page)
    ]
