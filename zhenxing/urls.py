"""Root URLs. Each domain app's ``urls`` module is mounted at /<label>/ (see lib/modules.py)."""

from django.urls import include, path

from zhenxing.api import api
from zhenxing.core import urls as core_urls
from zhenxing.core import views as core_views
from zhenxing.lib.modules import app_label, provided

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("zhenxing.core.urls")),
    path("regions/", include((core_urls.regions_urlpatterns, "regions"))),
    path("audit/", include((core_urls.audit_urlpatterns, "audit"))),
]
for _app, _module in provided("public_urls"):
    urlpatterns.append(path("public/", include((_module.urlpatterns, f"{app_label(_app)}_public"))))
for _app, _module in provided("urls"):
    if _app != "zhenxing.core":
        urlpatterns.append(path(f"{app_label(_app)}/", include(_module)))


# Errors answer in Chinese inside the site's frame (JSON under /api/); uncaught exceptions, among
# them a database that cannot be reached (503), end in handler500.
handler400 = "zhenxing.core.views.bad_request"
handler403 = "zhenxing.core.views.permission_denied"
handler404 = "zhenxing.core.views.page_not_found"
handler500 = "zhenxing.core.views.server_error"
