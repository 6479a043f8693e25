from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "zhenxing.monitoring"
    label = "monitoring"
    verbose_name = "防返贫动态监测"
