from django.apps import AppConfig


class VillageConfig(AppConfig):
    name = "zhenxing.village"
    label = "village"
    verbose_name = "乡村建设"

    def ready(self):
        from zhenxing.ledger.workflow import close_listener_register

        from .toilets import SOURCE_CLEANING, SOURCE_TOILET, cleaning_item_moved, toilet_item_moved

        close_listener_register(SOURCE_TOILET, toilet_item_moved)
        close_listener_register(SOURCE_CLEANING, cleaning_item_moved)
