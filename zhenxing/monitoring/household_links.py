"""登记发现 and 登记走访 on a household's page (lib/modules ``household_links``): the registry shows
them without importing monitoring. Each is offered only to whom the page and its service accept."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.lib.modules import NavItem

from . import workflow
from .models import MonitoringCase


def links(user, household) -> list[NavItem]:
    if getattr(user, "is_read_only", True):
        return []
    case = MonitoringCase.objects.filter(household=household, state__in=workflow.OPEN_STATES).order_by("-id").first()
    out = []
    # The discovery page is the village's (case_new: village cadres) and takes a household with no open case.
    if case is None and user.role == Role.VILLAGE_CADRE and scope.can_write(user, household, "monitoring.case.create"):
        out.append(NavItem("登记发现", f"{reverse('monitoring:new')}?household={household.pk}", order=10))
    # A visit is recorded on the household's case while it is monitored (the case page's own rule).
    if (
        case is not None
        and (case.state in workflow.MONITORED_STATES or case.fast_track)
        and scope.can_write(user, case, "monitoring.case.help")
    ):
        out.append(NavItem("登记走访", reverse("monitoring:visit", args=[case.pk]), order=20))
    return out
