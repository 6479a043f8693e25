from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "zhenxing.ledger"
    label = "ledger"
    verbose_name = "工作台账"
