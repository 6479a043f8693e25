"""Writes of the ledger app. Every function takes the acting user, validates, and owns its
transaction; record changes are audited automatically, transitions, imports and exports as events.

Services other modules call (documented in docs/ledger.md):
- ``rectification_item_open_from_source`` -- screening / funds open a rectification item
- ``notice_send`` -- anyone sends an in-app notice
"""

from __future__ import annotations

from .accountability import (  # noqa: F401
    escalation_decide,
    escalation_next,
    escalation_rule_update,
    inspection_create,
    inspection_finding_add,
    inspection_follow_up_add,
    rules_ensure,
)
from .assessment import (  # noqa: F401
    TWO,
    _editable,
    _totals,
    indicator_score,
    results_notify,
    scheme_create,
    scheme_indicator_add,
    scheme_publish,
    scheme_run,
    score_enter,
)
from .base import (  # noqa: F401
    PARTY_UNITS,
    PLAN_2022,
    PREFECTURE_CODE,
    UNIT_DEPARTMENTS,
    _require,
    counties,
    prefecture,
    unit_create,
    unit_ensure,
    unit_member_set,
    units_for,
)
from .notices import (  # noqa: F401
    notice_mark_read,
    notice_send,
    reminders_send,
)
from .rectification import (  # noqa: F401
    item_recheck_pass,
    item_transition,
    item_update,
    rectification_item_open,
    rectification_item_open_from_source,
    rectification_type_create,
    types_ensure,
)
from .tasks import (  # noqa: F401
    _set_units,
    _shift_year,
    assignment_commit,
    assignment_transition,
    evidence_set,
    ledger_as_data,
    ledger_build,
    ledger_copy,
    ledger_load_plan,
    milestone_add,
    missing_evidence,
    notify_owner,
    plan_2022,
    report_add,
    task_assign,
    task_edit,
)
