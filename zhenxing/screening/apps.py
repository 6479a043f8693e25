from django.apps import AppConfig
from django.conf import settings
from django.core import checks

RUNNERS = {"worker", "thread", "inline"}


def check_runner(app_configs, **kwargs):
    runner = getattr(settings, "SCREENING_RUNNER", "thread")
    if runner not in RUNNERS:
        return [checks.Error(f"SCREENING_RUNNER 的值“{runner}”无效，应为 worker、thread 或 inline",
                             id="screening.E001")]
    return []


def check_runner_deploy(app_configs, **kwargs):
    if getattr(settings, "SCREENING_RUNNER", "thread") != "worker":
        return [checks.Warning("生产环境的筛查运行应由 zhenxing screening-worker 执行（SCREENING_RUNNER=worker）："
                               "网页进程内的线程会随服务重启中断", id="screening.W001")]
    return []


class ScreeningConfig(AppConfig):
    name = "zhenxing.screening"
    label = "screening"
    verbose_name = "部门筛查预警"

    def ready(self):
        checks.register(check_runner)
        checks.register(check_runner_deploy, deploy=True)
