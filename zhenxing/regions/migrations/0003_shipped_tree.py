"""Every installation starts with the prefecture's region tree down to townships.

``zhenxing migrate`` on an empty database thus leaves 黑龙江省 → 大兴安岭地区 → its seven
county-level units → their townships in place (with the plan's older township names as
aliases), so that the first prefecture admin can be created right after. The demo villages
are not loaded here (their codes are made up). The load is the region import itself:
existing codes are updated, never duplicated, and a later import of a newer edition is
untouched by this migration, which runs once.
"""
from __future__ import annotations

from django.db import migrations


def load_shipped_tree(apps, schema_editor):
    from zhenxing.regions.services import regions_load_shipped

    regions_load_shipped(model=apps.get_model("regions", "Region"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_office_phone")]

    # Reversing keeps the nodes: accounts and records may point at them.
    operations = [migrations.RunPython(load_shipped_tree, migrations.RunPython.noop)]
