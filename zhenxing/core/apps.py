from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhenxing.core"
    label = "core"
    verbose_name = "系统"

    def ready(self) -> None:
        # Required fields are marked before the user sends a form: every form's required field gets
        # the label class "required" (a red asterisk, zhenxing.css) besides the input's `required`
        # attribute. One default for every form of the project; a form may still set its own.
        from django import forms

        if not getattr(forms.BaseForm, "required_css_class", None):
            forms.BaseForm.required_css_class = "required"
