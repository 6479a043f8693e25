from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "zhenxing.assets"
    label = "assets"
    verbose_name = "扶贫项目资产"

    def ready(self) -> None:
        # What funds serves for assets without importing this app (assets sits above funds): the
        # "assets" importer of the shared import, and the published asset handover table.
        from zhenxing.funds.imports import importer_register
        from zhenxing.funds.models import DisclosureKind
        from zhenxing.funds.selectors import disclosure_table_register

        from .imports import IMPORTER
        from .selectors import handover_rows

        importer_register(IMPORTER)
        disclosure_table_register(DisclosureKind.ASSETS, handover_rows)
