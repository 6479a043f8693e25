"""How a figure is written: shares as percentages, counts with thousands separators."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


def format_figure(value, unit: str = "", *, signed: bool = False) -> str:
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    sign = "+" if signed and value > 0 else ""
    if unit == "%":
        return f"{sign}{value * 100:.1f}%"
    if value == value.to_integral_value():
        return f"{sign}{int(value):,}"
    return f"{sign}{value:,.2f}"


def format_change(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "%":
        v = Decimal(value) * 100
        return f"{'+' if v > 0 else ''}{v:.1f}个百分点"
    return format_figure(value, unit, signed=True)


@register.filter
def figure(value, unit=""):
    return format_figure(value, unit)


@register.filter
def change(value, unit=""):
    return format_change(value, unit)


@register.filter
def item(mapping, key):
    """``mapping[key]``, or None (for nested lookups in templates)."""
    if not mapping:
        return None
    return mapping.get(key)
