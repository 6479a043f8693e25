from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "zhenxing.core"
    label = "core"
    verbose_name = "系统"

    def ready(self):
        from .checks import check_secrets

        checks.register(check_secrets, deploy=True)
