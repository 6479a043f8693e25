"""The one transition engine (see ``engine.py``). A plain package without models, at the level of
regions/accounts/audit: it imports accounts and audit, and the apps' ``workflow.py`` import it."""

from __future__ import annotations

from zhenxing.lib.errors import StaleVersion

from .engine import (
    Effect,
    Guard,
    Machine,
    Move,
    Requirement,
    Transition,
    available,
    machine_for,
    previewable,
    record_bulk,
    refusal_text,
    register,
    scoped_records,
    transition_apply,
    transition_bulk,
    transition_check,
)

__all__ = [
    "Effect",
    "Guard",
    "Machine",
    "Move",
    "Requirement",
    "StaleVersion",
    "Transition",
    "available",
    "machine_for",
    "previewable",
    "record_bulk",
    "refusal_text",
    "register",
    "scoped_records",
    "transition_bulk",
    "transition_apply",
    "transition_check",
]
