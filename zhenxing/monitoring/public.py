"""自主申报: the public page where a villager applies from a phone, and the progress check.

No login. Rate limited per address and per ID number (applications.RATE_LIMITS, kept in the database).
The progress check shows the reference, the stage and a date — nothing else.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render

from zhenxing.accounts.access import public_view
from zhenxing.accounts.backends import client_ip  # the same client address as the login lockout
from zhenxing.lib.forms import service_errors_to_form
from zhenxing.regions.models import Level, Region

from . import applications, forms

ROOT_PREFIX = "230000000000/232700000000/"  # the prefecture this system serves


def _children(parent_code: str, level: str):
    return Region.objects.filter(parent__code=parent_code, level=level, path__startswith=ROOT_PREFIX).order_by("code")


def _village(code: str) -> Region | None:
    return Region.objects.filter(code=code, level=Level.VILLAGE, path__startswith=ROOT_PREFIX).first()


@public_view
def apply(request):
    form = forms.ApplyForm(request.POST or None)
    counties = Region.objects.filter(level=Level.COUNTY, path__startswith=ROOT_PREFIX).order_by("code")
    selected = {
        "county": request.POST.get("county", ""),
        "township": request.POST.get("township", ""),
        "village": request.POST.get("village", ""),
    }
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            application = applications.application_submit(
                name=d["name"],
                phone=d["phone"],
                id_number=d["id_number"],
                village=_village(d["village"] or ""),
                risk_type=d["risk_type"],
                description=d["description"],
                ip=client_ip(request),
            )
        except applications.RateLimited as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            return render(request, "monitoring/public_applied.html", {"reference": application.reference})
    townships = _children(selected["county"], Level.TOWNSHIP) if selected["county"] else []
    villages = _children(selected["township"], Level.VILLAGE) if selected["township"] else []
    return render(
        request,
        "monitoring/public_apply.html",
        {"form": form, "counties": counties, "townships": townships, "villages": villages, "selected": selected},
        status=400 if request.method == "POST" else 200,
    )


@public_view
def apply_regions(request):
    """htmx: the <option>s of the next level (townships of a county, villages of a township)."""
    parent = request.GET.get("county") or request.GET.get("township") or ""
    level = Level.TOWNSHIP if request.GET.get("county") else Level.VILLAGE
    target = "township" if level == Level.TOWNSHIP else "village"
    return render(
        request,
        "monitoring/public_options.html",
        {"options": _children(parent, level) if parent else [], "target": target},
    )


@public_view
def apply_status(request):
    form = forms.StatusForm(request.POST or None)
    result, not_found = None, False
    if request.method == "POST" and form.is_valid():
        try:
            result = applications.application_progress(
                reference=form.cleaned_data["reference"],
                id_number=form.cleaned_data["id_number"],
                ip=client_ip(request),
            )
        except applications.RateLimited as exc:
            form.add_error(None, exc.message)
        else:
            not_found = result is None
    return render(request, "monitoring/public_status.html", {"form": form, "result": result, "not_found": not_found})
