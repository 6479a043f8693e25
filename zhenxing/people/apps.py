from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "zhenxing.people"
    label = "people"
    verbose_name = "就业帮扶与乡村治理"
