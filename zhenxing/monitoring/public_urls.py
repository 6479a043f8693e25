"""Pages without login, mounted at /public/ (see core/modules.py)."""
from django.urls import path

from . import public

urlpatterns = [
    path("apply", public.apply, name="apply"),
    path("apply/status", public.apply_status, name="apply_status"),
    path("apply/regions", public.apply_regions, name="apply_regions"),
]
