"""Where an alert's work goes on in other modules, and what the household's record learns from it.

Screening sits below the ledger (docs/architecture.md, layers), so it never imports it: the ledger
hands its opener over when it starts (``ledger.apps``), and ``rectify`` refuses while none is set.
Monitoring is on screening's own layer and is called directly."""

from __future__ import annotations

from collections.abc import Callable

# alert rule -> (rectification ledger type code, the household flag the problem is about)
RECTIFY_KINDS: dict[str, str] = {
    "housing": "housing",
    "water": "water",
    "dropout": "schooling",
    "uninsured": "insurance",
}
RULE_FLAGS: dict[str, str] = {
    "housing": "housing_safe",
    "water": "water_safe",
    "dropout": "schooling_secured",
    "uninsured": "medical_insured",
}

_openers: dict[str, Callable] = {}


def rectification_opener_set(opener: Callable) -> None:
    """``opener(*, actor, kind, region, household, source_label, source_ref, problem)`` opens (or
    returns the open) rectification item: the ledger's ``rectification_item_open_from_source``."""
    _openers["rectify"] = opener


def rectification_opener() -> Callable | None:
    return _openers.get("rectify")


def open_case(household):
    """The household's open monitoring case, or None (also when monitoring is not installed)."""
    if household is None:
        return None
    try:
        from zhenxing.monitoring.services import case_open_for
    except ImportError:
        return None
    return case_open_for(household)
