from django.db import migrations, models
import django.db.models.deletion


def create_prefix_index(apps, schema_editor):
    # LIKE 'prefix%' needs the pattern opclass on PostgreSQL unless the collation is C.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS region_path_prefix ON regions_region (path varchar_pattern_ops)"
        )


def drop_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS region_path_prefix")


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Region",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=12, unique=True, verbose_name="区划代码")),
                ("name", models.CharField(max_length=64, verbose_name="名称")),
                ("level", models.CharField(choices=[("province", "省"), ("prefecture", "地区"), ("county", "县（市、区）"), ("township", "乡镇"), ("village", "村")], max_length=16, verbose_name="层级")),
                ("path", models.CharField(max_length=255, unique=True, verbose_name="路径")),
                ("depth", models.PositiveSmallIntegerField(verbose_name="深度")),
                ("aliases", models.JSONField(blank=True, default=list, verbose_name="别名")),
                ("is_sample", models.BooleanField(default=False, help_text="名称或代码为演示用示例，非官方区划", verbose_name="示例数据")),
                ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="children", to="regions.region", verbose_name="上级")),
            ],
            options={
                "verbose_name": "行政区划",
                "verbose_name_plural": "行政区划",
                "ordering": ["path"],
                "indexes": [models.Index(fields=["level", "name"], name="region_level_name")],
            },
        ),
        migrations.RunPython(create_prefix_index, drop_prefix_index),
    ]
