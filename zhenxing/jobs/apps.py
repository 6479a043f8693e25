from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

RUNNER_SETTINGS = ("JOB_RUNNER", "SCREENING_RUNNER")
RUNNERS = {"worker", "thread", "inline"}


def check_runner(app_configs, **kwargs):
    errors = []
    for name in RUNNER_SETTINGS:
        value = getattr(settings, name, "worker")
        if value not in RUNNERS:
            errors.append(checks.Error(f"{name} 的值“{value}”无效，应为 worker、thread 或 inline", id="jobs.E001"))
    if getattr(settings, "JOB_HEARTBEAT_SECONDS", 0) <= 0:
        errors.append(checks.Error("JOB_HEARTBEAT_SECONDS 须大于 0", id="jobs.E002"))
    return errors


def check_runner_deploy(app_configs, **kwargs):
    if any(getattr(settings, name, "worker") != "worker" for name in RUNNER_SETTINGS):
        return [
            checks.Warning(
                "生产环境的后台任务应由 zhenxing worker 执行（JOB_RUNNER=worker，SCREENING_RUNNER 不设或为 "
                "worker）：网页进程内的线程会随服务重启中断",
                id="jobs.W001",
            )
        ]
    return []


class JobsConfig(AppConfig):
    name = "zhenxing.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self):
        checks.register(check_runner)
        checks.register(check_runner_deploy, deploy=True)
