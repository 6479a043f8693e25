"""The public portal, mounted at /public/ (namespace ``core_public``; see lib/modules.py)."""

from django.urls import path

from . import public

urlpatterns = [
    path("", public.portal, name="portal"),
]
