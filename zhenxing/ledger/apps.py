from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "zhenxing.ledger"
    label = "ledger"
    verbose_name = "工作台账"

    def ready(self):
        from django.apps import apps

        if apps.is_installed("zhenxing.screening"):
            from zhenxing.screening import bridges

            from .services import rectification_item_open_from_source

            bridges.rectification_opener_set(rectification_item_open_from_source)
