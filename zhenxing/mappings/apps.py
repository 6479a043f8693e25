from django.apps import AppConfig


class MappingsConfig(AppConfig):
    name = "zhenxing.mappings"
    label = "mappings"
    verbose_name = "导入列映射"
