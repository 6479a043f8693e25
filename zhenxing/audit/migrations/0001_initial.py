from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion

from zhenxing.audit.db import install_triggers


def add_triggers(apps, schema_editor):
    install_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="时间")),
                ("actor_username", models.CharField(blank=True, db_index=True, max_length=150, verbose_name="用户名")),
                ("actor_region_path", models.CharField(blank=True, max_length=255)),
                ("ip", models.GenericIPAddressField(null=True, verbose_name="地址")),
                ("action", models.CharField(db_index=True, max_length=32, verbose_name="操作")),
                ("model", models.CharField(blank=True, max_length=100, verbose_name="对象类型")),
                ("object_id", models.CharField(blank=True, max_length=64, verbose_name="对象编号")),
                ("object_repr", models.CharField(blank=True, max_length=200, verbose_name="对象")),
                ("before", models.JSONField(blank=True, null=True, verbose_name="修改前")),
                ("after", models.JSONField(blank=True, null=True, verbose_name="修改后")),
                ("extra", models.JSONField(blank=True, null=True, verbose_name="附加信息")),
                ("actor", models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
            ],
            options={
                "verbose_name": "审计记录",
                "verbose_name_plural": "审计记录",
                "ordering": ["-at", "-id"],
                "indexes": [models.Index(fields=["model", "object_id", "at"], name="audit_object_at")],
            },
        ),
        migrations.RunPython(add_triggers, migrations.RunPython.noop),
    ]
