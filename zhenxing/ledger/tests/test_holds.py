"""An open rectification item on a household blocks its risk elimination (monitoring asks through
the ``holds`` hook, so it never imports the ledger); a closed one does not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhenxing.ledger import services
from zhenxing.monitoring.testing import propose_elimination, ready_to_eliminate
from zhenxing.registry.testing import make_household


def _case(w):
    return ready_to_eliminate(make_household(village=w.r.fendou), village=w.fendou, township=w.shibazhan, county=w.tahe)


def _item(w, types, household):
    return services.rectification_item_open(
        actor=w.shibazhan,
        type=types["housing"],
        region=w.r.fendou,
        household=household,
        problem="房屋鉴定为C级危房",
        source="self_check",
    )


def test_an_open_item_on_the_household_blocks_elimination_and_is_named(w, types):
    case = _case(w)
    _item(w, types, case.household)
    with pytest.raises(ValidationError) as refused:
        propose_elimination(case, actor=w.fendou)
    message = " ".join(refused.value.messages)
    assert "未销号的整改事项" in message and types["housing"].name in message and "房屋鉴定为C级危房" in message
    case.refresh_from_db()
    assert case.state == "monitored"


def test_a_closed_item_no_longer_blocks(w, types):
    case = _case(w)
    item = _item(w, types, case.household)
    services.item_transition(actor=w.fendou, item=item, action="fix", evidence="已加固改造")
    services.item_transition(actor=w.shibazhan, item=item, action="verify")
    assert propose_elimination(case, actor=w.fendou).state == "elim_check"


def test_an_item_on_another_household_does_not_block(w, types):
    case = _case(w)
    _item(w, types, make_household(village=w.r.fendou))
    assert propose_elimination(case, actor=w.fendou).state == "elim_check"
