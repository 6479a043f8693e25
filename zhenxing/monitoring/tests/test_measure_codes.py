"""Measures carry the national codes 100A39–100A52: the data migration converts the former English
slugs (and back), pages show "代码 名称", the service still accepts a slug as input."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from zhenxing.monitoring import services
from zhenxing.monitoring.forms import MeasureForm
from zhenxing.monitoring.models import LEGACY_CATEGORY_SLUGS, Measure, MeasureCategory

MIGRATION = importlib.import_module("zhenxing.monitoring.migrations.0003_national_measure_codes_identification_factors")


def _apps():
    return (
        MigrationExecutor(connection)
        .loader.project_state(("monitoring", "0003_national_measure_codes_identification_factors"))
        .apps
    )


def _measure(w, case, category):
    return services.measure_add(
        actor=w.fendou,
        case=case,
        category=category,
        content="措施",
        unit="单位",
        person="人",
        start_on=timezone.localdate(),
    )


def test_the_migration_converts_every_slug_to_its_code_and_back(w, new_case, drive):
    case = drive(new_case(), "verified")
    rows = {slug: _measure(w, case, code).pk for slug, code in LEGACY_CATEGORY_SLUGS.items()}
    for slug, pk in rows.items():  # as stored before the migration
        Measure.objects.filter(pk=pk).update(category=slug)
    MIGRATION.slugs_to_codes(_apps(), None)
    stored = dict(Measure.objects.filter(pk__in=rows.values()).values_list("pk", "category"))
    assert {slug: stored[pk] for slug, pk in rows.items()} == {s: str(c) for s, c in LEGACY_CATEGORY_SLUGS.items()}
    assert sorted(stored.values()) == [f"100A{n}" for n in range(39, 53)]
    MIGRATION.codes_to_slugs(_apps(), None)
    assert dict(Measure.objects.filter(pk__in=rows.values()).values_list("pk", "category")) == {
        pk: slug for slug, pk in rows.items()
    }


def test_a_slug_is_accepted_as_input_and_stored_as_the_code(w, new_case, drive):
    case = drive(new_case(), "verified")
    assert _measure(w, case, "public_job").category == MeasureCategory.PUBLIC_JOB == "100A42"
    assert _measure(w, case, "100A46").category_display == "100A46 综合保障（低保、特困）"
    with pytest.raises(ValidationError, match="国家规定的帮扶措施类别"):
        _measure(w, case, "100A53")


def test_forms_and_pages_show_code_and_name(w, login, new_case, drive):
    assert ("100A39", "100A39 产业帮扶") in MeasureForm().fields["category"].choices
    case = drive(new_case(), "verified")
    _measure(w, case, "100A40")
    page = login(w.fendou).get(reverse("monitoring:detail", args=[case.pk])).content.decode()
    assert "100A40 就业帮扶" in page
