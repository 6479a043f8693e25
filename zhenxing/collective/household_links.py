"""集体经济股权 on a household's page (lib/modules ``household_links``): the registry shows the
link without importing the collective; offered where a member of the household holds shares and
the user may open the collective's pages."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem

from .shares import household_shares


def links(user, household) -> list[NavItem]:
    if not scope.may(user, "collective.index"):
        return []
    held = household_shares(household)
    if not held.members:
        return []
    label = f"集体经济股权（{len(held.members)}人，共{held.total.normalize():f}股）"
    return [NavItem(label, reverse("collective:household", args=[household.pk]), order=60)]
