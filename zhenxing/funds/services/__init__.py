"""Writes for projects and funds. Every function takes the acting user, validates, owns its
transaction and is audited (record changes automatically, steps and imports as events).

One module per section; callers keep using ``services.<function>`` (the app's service interface)."""

from __future__ import annotations

from .allocations import (  # noqa: F401
    allocation_create,
    assignment_create,
    assignment_withdraw,
    figures_rebuild,
    payee_identity,
    payment_create,
    payments_figures_add,
)
from .base import (  # noqa: F401
    ADMIN_ROLES,
    EDITABLE_STATUSES,
    LOAN_ROLES,
    MONEY_ROLES,
    PROJECT_FIELDS,
    WRITE_RULES,
    county_of,
    money,
    year_parameter,
)
from .disclosure import disclosure_publish  # noqa: F401
from .loans import beneficiary_add, micro_loan_create, micro_loan_repay, staff_identity_set  # noqa: F401
from .parameters import disbursement_plan_set, year_parameter_set  # noqa: F401
from .projects import pool_roll_over, project_create, project_transition, project_update  # noqa: F401
