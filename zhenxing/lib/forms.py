"""How a service's refusal reaches a page: its ValidationError on the form (on the field it names
when the form has one, else on top, or with ``request`` among the page's messages), or as
messages above the page when there is no form. The one home of this; views keep no copy."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError


def service_errors_to_form(form: forms.Form, exc: ValidationError, *, request=None) -> None:
    """Each message on the field it names when the form has that field; any other message on top
    of the form, or, given ``request``, among the page's messages (for pages that show no
    non-field errors)."""
    fields = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, msgs in fields:
        if field in form.fields:
            form.add_error(field, msgs)
        elif request is not None:
            for msg in msgs:
                messages.error(request, msg)
        else:
            form.add_error(None, msgs)


def service_errors_to_messages(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for msgs in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
            for m in msgs:
                messages.error(request, m)
    else:
        messages.error(request, str(exc))
