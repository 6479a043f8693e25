"""The shell's pages: the home page, and the pages of the foundation apps (the region tree, the
audit log), which need accounts' data scope that those apps sit below. ``zhenxing/urls.py``
mounts ``regions_urlpatterns`` at /regions/ and ``audit_urlpatterns`` at /audit/."""

from django.urls import path

from . import audit_views, regions_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
]
regions_urlpatterns = [
    path("", regions_views.region_home, name="home"),
    path("<str:code>/", regions_views.region_detail, name="detail"),
    path("<str:code>/office-phone", regions_views.office_phone, name="office_phone"),
]
audit_urlpatterns = [path("", audit_views.audit_list, name="list")]
