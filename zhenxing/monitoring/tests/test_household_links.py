"""登记发现 and 登记走访 on a household's page (monitoring/household_links.py): offered only to
whom the discovery page and the visit service accept."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.monitoring import workflow
from zhenxing.monitoring.models import MonitoringCase
from zhenxing.registry.testing import make_household


def test_the_household_page_offers_discovery_and_visits_by_role(w, login, std, new_case):
    free = make_household(village=w.r.fendou)
    page = reverse("registry:household", args=[free.pk])
    discover = f"{reverse('monitoring:new')}?household={free.pk}"
    assert f'href="{discover}">登记发现' in login(w.fendou).get(page).content.decode()
    for someone in (w.shibazhan, w.tahe, w.ducha):  # the discovery page is the village's
        assert discover not in login(someone).get(page).content.decode()
    case = new_case()
    MonitoringCase.objects.filter(pk=case.pk).update(state=workflow.MONITORED_STATES[0])
    page = reverse("registry:household", args=[case.household_id])
    visit = reverse("monitoring:visit", args=[case.pk])
    for someone in (w.fendou, w.shibazhan):
        html = login(someone).get(page).content.decode()
        assert f'href="{visit}">登记走访' in html and "?household=" not in html  # it has an open case
    assert visit not in login(w.ducha).get(page).content.decode()  # the inspector only reads
