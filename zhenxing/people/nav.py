from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem

ENTRIES = [
    ("people.home", "就业帮扶与乡村治理", "people:home", 500),
    ("people.points", "积分制", "people:points", 510),
    ("people.powers", "小微权力清单", "people:powers", 520),
]


def items(user):
    return [
        NavItem(label, reverse(url), order=order, group="就业治理")
        for page, label, url, order in ENTRIES
        if scope.in_menu(user, page)
    ]
