"""Maker ≠ checker on projects (who reported 竣工 does not accept it; who declared it again does not
review it) and what the steps ahead require, shown on the project page before the user acts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from zhenxing.accounts.models import Role, User
from zhenxing.funds import services, workflow
from zhenxing.funds.models import Project, ProjectStatus
from zhenxing.funds.testing import advance, complete_fields, fund_project, make_project

TODAY = timezone.localdate


def _step(actor, p, to, date=None):
    return services.project_transition(
        actor=actor, project=Project.objects.get(pk=p.pk), to=to, date=date or TODAY(), evidence="文号〔2022〕1号"
    )


@pytest.fixture
def tahe2(w):
    return User.objects.create(username="t-tahe2", role=Role.COUNTY_STAFF, region=w.r.tahe, full_name="另一名县级人员")


def test_who_reported_completion_does_not_accept_it(w, tahe2, login):
    on = TODAY() - dt.timedelta(days=30)
    p = services.project_create(actor=None, village=w.r.fendou, code="YS-1", declared_on=on, **complete_fields())
    p = advance(p, "in_progress", date=on)
    p = _step(w.tahe, p, "completed", date=on)
    services.payment_create(
        actor=None,
        project=Project.objects.get(pk=p.pk),
        date=on,
        amount=p.budget,
        payee_name="某公司",
        voucher_number="V1",
    )
    p = Project.objects.get(pk=p.pk)
    assert "accepted" not in {t.code for t in workflow.available(p, w.tahe)}
    page = login(w.tahe).get(f"/funds/projects/{p.pk}/").content.decode()
    assert 'value="accepted"' not in page
    with pytest.raises(PermissionDenied, match="“竣工”由您本人办理，“验收”须由其他人员办理"):
        _step(w.tahe, p, "accepted")
    assert _step(tahe2, p, "accepted").status == ProjectStatus.ACCEPTED


def test_who_declared_it_again_does_not_review_it(w):
    p = make_project(w.r.fendou)
    p = services.project_transition(
        actor=w.shibazhan, project=p, to="returned", date=TODAY(), evidence="", note="请补充利益联结机制"
    )
    p = services.project_transition(actor=w.shibazhan, project=p, to="declared", date=TODAY(), evidence="")
    with pytest.raises(PermissionDenied, match="办理人与核验人不能为同一人"):
        _step(w.shibazhan, p, "township_reviewed")


def test_the_page_lists_what_the_steps_ahead_require(w, login):
    p = advance(make_project(w.r.fendou), "planned", fund=False)
    rows = {r.transition.code: r for r in workflow.requirements(p)}
    assert not rows["started"].ready  # no money arranged yet: 开工 will be refused
    assert "验收" in {r.label for r in rows.values()}
    page = login(w.shibazhan).get(f"/funds/projects/{p.pk}/").content.decode()
    assert "本环节及后续环节的要求" in page and rows["started"].missing[0] in page
    fund_project(p, amount=Decimal(p.budget))
    assert {r.transition.code: r for r in workflow.requirements(Project.objects.get(pk=p.pk))}["started"].ready
