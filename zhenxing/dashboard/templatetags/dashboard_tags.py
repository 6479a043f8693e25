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


@register.filter
def source_names(sources) -> str:
    """A figure's data sources by the tables' Chinese names ("县月度资金支出、资金安排"), never
    "funds.CountyMonthFigure" or "registry_household"."""
    from django.apps import apps

    by_table = {m._meta.db_table: m for m in apps.get_models()}
    names = []
    for source in sources or ():
        try:
            model = apps.get_model(source)
        except (LookupError, ValueError):
            model = by_table.get(source)
        name = str(model._meta.verbose_name) if model is not None else "其他数据"
        if name not in names:
            names.append(name)
    return "、".join(names)
