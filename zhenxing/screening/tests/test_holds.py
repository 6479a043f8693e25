"""An open alert on a household blocks its risk elimination (monitoring asks through the ``holds``
hook, so it never imports screening); a closed one does not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenxing.monitoring import services
from zhenxing.monitoring.testing import advance, propose_elimination, ready_to_eliminate
from zhenxing.registry.testing import make_household
from zhenxing.screening.models import Alert, AlertState


def _case(w):
    return ready_to_eliminate(make_household(village=w.r.fendou), village=w.fendou, township=w.shibazhan, county=w.tahe)


def _alert(household, state):
    now = timezone.now()
    is_open = state in (AlertState.NEW, AlertState.ISSUED, AlertState.VERIFYING)
    return Alert.objects.create(
        rule="medical",
        rule_name="大额医疗支出",
        subject=f"h{household.pk}",
        household=household,
        village=household.village,
        department="medical_insurance",
        state=state,
        is_open=is_open,
        raised_at=now,
        updated_at=now,
        closed_at=None if is_open else now,
    )


@pytest.mark.parametrize("state", [AlertState.ISSUED, AlertState.VERIFYING])
def test_an_open_alert_blocks_elimination_and_is_named(w, state):
    case = _case(w)
    _alert(case.household, state)
    with pytest.raises(ValidationError) as refused:
        propose_elimination(case, actor=w.fendou)
    message = " ".join(refused.value.messages)
    assert "未办结的预警“大额医疗支出”" in message
    case.refresh_from_db()
    assert case.state == "monitored"


def test_a_closed_alert_does_not_block(w):
    case = _case(w)
    _alert(case.household, AlertState.NO_RISK)
    assert propose_elimination(case, actor=w.fendou).state == "elim_check"


def test_the_county_is_refused_when_an_alert_opened_after_the_proposal(w):
    case = advance(_case(w), to="elim_county_approval", village=w.fendou, township=w.shibazhan, county=w.tahe)
    _alert(case.household, AlertState.ISSUED)
    with pytest.raises(ValidationError, match="未办结的预警"):
        services.case_transition(actor=w.tahe, case=case, name="elim_county_approve", version=case.version, data={})
    case.refresh_from_db()
    assert case.state == "elim_county_approval"
