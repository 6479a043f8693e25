"""The escalation ladder and the built-in rectification ledger types, as data the prefecture edits."""
from django.db import migrations

from zhenxing.ledger.defaults import ESCALATION_RULES as RULES
from zhenxing.ledger.defaults import RECTIFICATION_TYPES as TYPES


def seed(apps, schema_editor):
    Rule = apps.get_model("ledger", "EscalationRule")
    Type = apps.get_model("ledger", "RectificationType")
    for order, code, name, days, fails, desc in RULES:
        Rule.objects.get_or_create(code=code, defaults={"order": order, "name": name, "min_overdue_days": days,
                                                        "min_failed_checks": fails, "description": desc})
    for code, name, task, dept, recheck, days in TYPES:
        Type.objects.get_or_create(code=code, defaults={"name": name, "task_number": task, "department": dept,
                                                        "recheck_required": recheck, "default_days": days,
                                                        "builtin": True})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
