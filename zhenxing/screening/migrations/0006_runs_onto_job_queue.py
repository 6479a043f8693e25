"""Runs now go through the one job queue (zhenxing/jobs): a run still queued at the upgrade gets its
job, so ``zhenxing worker`` carries it out; a run 运行中 had its process cut off by the upgrade."""
from django.db import migrations
from django.utils import timezone

REASON = "运行中断（服务重启或进程退出），请重新发起"
KINDS = {"screen": "筛查", "simulate": "政策模拟", "preview": "筛查预演"}


def forwards(apps, schema_editor):
    Run = apps.get_model("screening", "Run")
    Job = apps.get_model("jobs", "Job")
    for run in Run.objects.filter(status="queued").order_by("created_at", "id"):
        Job.objects.create(kind="screening.run", payload={"run": run.pk, "threads": None}, region_id=run.region_id,
                           requested_by_id=run.started_by_id,
                           label=f"{KINDS.get(run.kind, run.kind)}（基准日 {run.as_of:%Y-%m-%d}）")
    Run.objects.filter(status="running").update(status="failed", error=REASON, stage="已中断",
                                                finished_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0005_alert_item_ref_alter_alert_department_and_more"),
        ("jobs", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
