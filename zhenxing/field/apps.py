from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "zhenxing.field"
    label = "field"
    verbose_name = "移动工作台"
