"""A production install: `zhenxing migrate` on an empty database leaves the prefecture's tree.

The test database is built by the migrations, but a transactional test elsewhere may have
flushed it since (Django's ``serialized_rollback`` cannot restore it reliably after a flush: the
content types come back twice). So each test starts from the tree as the migration leaves it: the
one the migrations built, or, after a flush left the table empty, the migration's own function
run again with its historical model, as `migrate` runs it.
"""

from __future__ import annotations

import importlib
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhenxing.accounts.models import Role, User
from zhenxing.regions.models import Region
from zhenxing.regions.services import DATA_DIR, regions_load_builtin

migrated = pytest.mark.usefixtures("tree_as_migrated")

COUNTIES = {
    "232701000000": "漠河市",
    "232721000000": "呼玛县",
    "232722000000": "塔河县",
    "232761000000": "加格达奇区",
    "232762000000": "松岭区",
    "232763000000": "新林区",
    "232764000000": "呼中区",
}


def _run_migration() -> None:
    """Migration 0002's function with its historical model, as `migrate` runs it."""
    module = importlib.import_module("zhenxing.regions.migrations.0003_shipped_tree")
    state = MigrationExecutor(connection).loader.project_state(("regions", "0003_shipped_tree"))
    module.load_shipped_tree(state.apps, None)


@pytest.fixture
def tree_as_migrated(db):
    if not Region.objects.exists():
        _run_migration()


@migrated
def test_migrated_database_has_the_prefecture_its_seven_counties_and_their_townships():
    diqu = Region.objects.get(code="232700000000")
    assert (diqu.name, diqu.level, diqu.parent.code) == ("大兴安岭地区", "prefecture", "230000000000")
    counties = {r.code: r.name for r in Region.objects.filter(level="county")}
    assert counties == COUNTIES
    assert all(r.parent_id == diqu.pk for r in Region.objects.filter(level="county"))
    townships = Region.objects.filter(level="township")
    assert townships.count() == 43
    assert {t.parent.code for t in townships.select_related("parent")} == set(COUNTIES)
    assert Region.objects.get(name="十八站鄂伦春族乡").path == ("230000000000/232700000000/232722000000/232722200000/")
    assert Region.objects.get(code="232722104000").aliases == ["开库康乡"]  # the plan's name still matches


@migrated
def test_migrated_database_has_no_demo_villages():
    assert not Region.objects.filter(level="village").exists()
    assert not Region.objects.filter(is_sample=True).exists()
    assert Region.objects.count() == 52


@migrated
def test_first_prefecture_admin_can_be_created_right_after_migrate():
    out = io.StringIO()
    call_command(
        "createuser",
        "admin",
        "--role",
        Role.PREFECTURE_ADMIN,
        "--region",
        "232700000000",
        "--password",
        "Chushi#2022ab",
        stdout=out,
    )
    admin = User.objects.get(username="admin")
    assert admin.region.code == "232700000000" and admin.role == Role.PREFECTURE_ADMIN
    assert admin.must_change_password
    assert "黑龙江省 大兴安岭地区" in out.getvalue()


@migrated
def test_importing_the_shipped_file_again_changes_nothing():
    before = list(Region.objects.values_list("code", "name", "path", "aliases", "parent_id"))
    out = io.StringIO()
    call_command("import_regions", str(DATA_DIR / "regions-2327.csv"), stdout=out)
    assert out.getvalue().strip() == "导入完成：新增 0，更新 0，未变 52"
    assert list(Region.objects.values_list("code", "name", "path", "aliases", "parent_id")) == before


@migrated
def test_demo_villages_join_the_migrated_tree_without_touching_it():
    result = regions_load_builtin()
    assert (result.created, result.updated) == (22, 0)
    assert Region.objects.count() == 52 + 22
    assert Region.objects.get(code="232722200206").parent.code == "232722200000"


@migrated
def test_migration_on_an_existing_tree_adds_nothing_and_restores_the_aliases():
    regions_load_builtin()
    Region.objects.filter(code="232722104000").update(aliases=[])  # an install that imported the plain file
    count = Region.objects.count()
    _run_migration()
    assert Region.objects.count() == count
    assert Region.objects.get(code="232722104000").aliases == ["开库康乡"]
    assert Region.objects.filter(level="village").count() == 22  # the demo's villages are left alone
