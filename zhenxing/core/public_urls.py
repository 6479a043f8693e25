"""The public portal, mounted at /public/ (namespace ``core_public``; see core/modules.py)."""
from django.urls import path

from . import public

urlpatterns = [
    path("", public.portal, name="portal"),
]
