from __future__ import annotations

from django import forms

from .models import HolidayDay, HolidayYear

DATE = forms.DateInput(attrs={"type": "date"})


class YearForm(forms.ModelForm):
    class Meta:
        model = HolidayYear
        fields = ["year", "notice"]


class DayForm(forms.ModelForm):
    class Meta:
        model = HolidayDay
        fields = ["date", "name", "is_workday"]
        widgets = {"date": DATE}

    def validate_unique(self):
        """Saving an existing date changes it (the service updates in place)."""
