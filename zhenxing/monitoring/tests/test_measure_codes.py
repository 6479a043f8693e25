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


# DOMAIN.md "Assistance measure categories (national code tables 100A39–100A55)": the categories in the
# order of the national list, each with its code and the name the pages show; the DOMAIN term is the
# short name the list gives (the label is that name as the national forms write it).
NATIONAL_LIST = [
    ("100A39", "产业", "产业帮扶", "industry"),
    ("100A40", "就业", "就业帮扶", "employment"),
    ("100A41", "金融", "金融帮扶（小额信贷）", "finance"),
    ("100A42", "公益岗位", "公益岗位帮扶", "public_job"),
    ("100A43", "健康", "健康帮扶", "health"),
    ("100A44", "义务教育保障", "义务教育保障", "compulsory_education"),
    ("100A45", "其他教育", "其他教育帮扶", "other_education"),
    ("100A46", "综合保障", "综合保障（低保、特困）", "safety_net"),
    ("100A47", "住房安全", "住房安全保障", "housing"),
    ("100A48", "饮水安全", "饮水安全保障", "water"),
    ("100A49", "社会帮扶", "社会帮扶", "social"),
    ("100A50", "搬迁", "易地搬迁", "relocation"),
    ("100A51", "生产生活条件改善", "生产生活条件改善", "living"),
    ("100A52", "基础设施", "基础设施", "infrastructure"),
]


def test_each_code_is_pinned_to_its_category_in_the_national_order():
    assert [(c.value, str(c.label)) for c in MeasureCategory] == [(code, label) for code, _, label, _ in NATIONAL_LIST]
    for code, term, label, slug in NATIONAL_LIST:
        assert term in label, code
        assert LEGACY_CATEGORY_SLUGS[slug] == code  # the API's input slugs
        assert MIGRATION.SLUG_TO_CODE[slug] == code  # the data migration of existing rows
    assert len(MIGRATION.SLUG_TO_CODE) == len(NATIONAL_LIST)
    # 100A53–100A55 are not a category
    assert not {"100A53", "100A54", "100A55"} & set(MeasureCategory.values)
