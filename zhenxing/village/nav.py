from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem

ENTRIES = [
    ("village.index", "村庄档案", "village:index", 460),
    ("village.toilets", "户厕摸排与整改", "village:toilets", 461),
    ("village.environment", "人居环境整治", "village:environment", 462),
    ("village.projects", "乡村建设项目库", "village:projects", 463),
    ("village.talent", "乡村人才", "village:talent", 464),
]


def items(user):
    return [
        NavItem(label, reverse(url), order=order, group="乡村建设")
        for rule, label, url, order in ENTRIES
        if scope.in_menu(user, rule)
    ]
