from django.apps import AppConfig


class CollectiveConfig(AppConfig):
    name = "zhenxing.collective"
    label = "collective"
    verbose_name = "农村集体经济"
