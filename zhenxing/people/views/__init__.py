"""Pages of the village ledgers: thin (parse, call a service or selector, render), phone first.

One module per section; the views stay importable from ``views`` as before.
"""

from __future__ import annotations

from .base import can_write, region_of_display
from .cadres import cadre_days, cadre_detail, cadre_edit, team_detail, team_edit, teams
from .county import settings_page, summary
from .employment import (
    holding_end,
    labour,
    labour_edit,
    post_detail,
    post_edit,
    posts,
    wage,
    worker_end,
    workshop_detail,
    workshop_edit,
    workshops,
)
from .lists import board, case_detail, power_detail, powers
from .pairing import pairing_detail, pairing_edit, pairings
from .points import entry_detail, household_points, item_detail, item_edit, points_home, rule_edit

__all__ = [
    "board",
    "cadre_days",
    "cadre_detail",
    "cadre_edit",
    "can_write",
    "case_detail",
    "entry_detail",
    "holding_end",
    "household_points",
    "item_detail",
    "item_edit",
    "labour",
    "labour_edit",
    "pairing_detail",
    "pairing_edit",
    "pairings",
    "points_home",
    "post_detail",
    "post_edit",
    "posts",
    "power_detail",
    "powers",
    "region_of_display",
    "rule_edit",
    "settings_page",
    "summary",
    "team_detail",
    "team_edit",
    "teams",
    "wage",
    "worker_end",
    "workshop_detail",
    "workshop_edit",
    "workshops",
]
