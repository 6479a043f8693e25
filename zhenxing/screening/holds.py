"""Open alerts on a household, for the risk elimination check (core.modules ``holds``)."""

from __future__ import annotations

from .models import Alert


def open_holds(household) -> list[str]:
    alerts = Alert.objects.filter(household=household, is_open=True).order_by("raised_at", "id")
    return [f"未办结的预警“{a.rule_name}”（{a.get_state_display()}）" for a in alerts]
