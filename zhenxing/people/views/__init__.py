"""Pages of the village ledgers: thin (parse, call a service or selector, render), phone first.

One module per section; the views stay importable from ``views`` as before.
"""
from __future__ import annotations

from .base import can_write, region_of_display
from .county import summary, settings_page
from .employment import (posts, post_detail, holding_end, worker_end, post_edit, workshop_edit, workshops,
                         workshop_detail, labour, labour_edit, wage)
from .pairing import pairing_edit, pairings, pairing_detail
from .cadres import team_edit, cadre_edit, teams, team_detail, cadre_detail, cadre_days
from .points import rule_edit, item_edit, points_home, entry_detail, household_points, item_detail
from .lists import powers, power_detail, case_detail, board

__all__ = [
    "board", "cadre_days", "cadre_detail", "cadre_edit", "can_write", "case_detail", "entry_detail", "holding_end",
    "household_points", "item_detail", "item_edit", "labour", "labour_edit", "pairing_detail", "pairing_edit",
    "pairings", "points_home", "post_detail", "post_edit", "posts", "power_detail", "powers", "region_of_display",
    "rule_edit", "settings_page", "summary", "team_detail", "team_edit", "teams", "wage", "worker_end",
    "workshop_detail", "workshop_edit", "workshops",
]
