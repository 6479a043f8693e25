"""Root URLs. Each domain app's ``urls`` module is mounted at /<label>/ (see core/modules.py)."""
from django.urls import include, path

from zhenxing.api import api
from zhenxing.core import views as core_views
from zhenxing.core.modules import app_label, provided

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("zhenxing.core.urls")),
]
for _app, _module in provided("public_urls"):
    urlpatterns.append(path("public/", include((_module.urlpatterns, f"{app_label(_app)}_public"))))
for _app, _module in provided("urls"):
    if _app != "zhenxing.core":
        urlpatterns.append(path(f"{app_label(_app)}/", include(_module)))


# Uncaught exceptions, among them a database that cannot be reached (503), answer in Chinese.
handler500 = "zhenxing.core.views.server_error"
