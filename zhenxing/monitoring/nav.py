from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem

ENTRIES = [
    ("monitoring.list", "防返贫监测对象", "monitoring:list", 20),
    ("monitoring.applications", "自主申报", "monitoring:applications", 21),
    ("monitoring.postings", "公示", "monitoring:postings", 22),
    ("monitoring.helpers", "帮扶责任人", "monitoring:helpers", 24),
    ("monitoring.standards", "年度监测标准", "monitoring:standards", 28),
]


def items(user):
    return [
        NavItem(label, reverse(url), order=order, group="监测帮扶")
        for page, label, url, order in ENTRIES
        if scope.in_menu(user, page)
    ]
