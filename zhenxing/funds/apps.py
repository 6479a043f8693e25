from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "zhenxing.funds"
    label = "funds"
    verbose_name = "衔接资金与项目"
