"""How a service's refusal reaches a page: its ValidationError on the form (on the field it names
when the form has one, else on top), or as messages above the page when there is no form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError


def service_errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, msgs)
    else:
        form.add_error(None, exc.messages)


def service_errors_to_messages(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for msgs in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
            for m in msgs:
                messages.error(request, m)
    else:
        messages.error(request, str(exc))
