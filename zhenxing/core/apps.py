from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "zhenxing.core"
    label = "core"
    verbose_name = "系统"

    def ready(self):
        from django import forms

        from .checks import check_secrets

        checks.register(check_secrets, deploy=True)
        # Required fields are marked before the user sends a form: every form's required field gets
        # the label class "required" (a red asterisk, zhenxing.css) besides the input's `required`
        # attribute. One default for every form of the project; a form may still set its own.
        if not getattr(forms.BaseForm, "required_css_class", None):
            forms.BaseForm.required_css_class = "required"
