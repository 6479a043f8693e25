from django.apps import AppConfig


class VillageConfig(AppConfig):
    name = "zhenxing.village"
    label = "village"
    verbose_name = "乡村建设"
