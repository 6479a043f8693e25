"""Public disclosure pages, mounted at /public/ (namespace ``funds_public``)."""
from django.urls import path

from . import public

urlpatterns = [
    path("funds/", public.index, name="index"),
    path("funds/<str:county>/", public.county_page, name="county"),
    path("funds/<str:county>/<int:year>/<str:kind>/", public.disclosure, name="disclosure"),
    path("funds/<str:county>/<int:year>/<str:kind>/qr.svg", public.qr, name="qr"),
]
