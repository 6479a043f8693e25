"""How money and shares are written on pages and in exports (the template filters ``yuan`` and
``percent`` of ``core/templatetags/zx.py`` are these functions)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def yuan(value, digits: int = 2) -> str:
    """Money as forms show it: 12,345.60."""
    if value is None or value == "":
        return "—"
    return number_format(Decimal(value), decimal_pos=digits, use_l10n=True, force_grouping=True)


def percent(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"
