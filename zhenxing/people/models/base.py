"""Village ledger models: shared definitions."""

from __future__ import annotations

MONEY = {"max_digits": 12, "decimal_places": 2}
