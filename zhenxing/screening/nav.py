from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem

ENTRIES = [
    ("screening.alerts", "部门预警", "screening:alerts", 300),
    ("screening.feeds", "部门数据", "screening:feeds", 310),
    ("screening.runs", "筛查运行", "screening:runs", 320),
    ("screening.rules", "筛查规则", "screening:rules", 330),
]


def items(user):
    return [
        NavItem(label, reverse(url), order=order, group="预警")
        for page, label, url, order in ENTRIES
        if scope.in_menu(user, page)
    ]
