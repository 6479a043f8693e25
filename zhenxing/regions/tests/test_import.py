from __future__ import annotations

import pytest

from zhenxing.regions.models import Region
from zhenxing.regions.services import RegionImportError, regions_import, regions_load_builtin


def test_builtin_tree_loads_and_reloads_without_change(db):
    regions_load_builtin()  # on the migrated tree, or on an empty one after a flushing test
    again = regions_load_builtin()
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == 52 + 2 + 22  # rows of the tree, of the aliases file, of the demo villages
    assert Region.objects.count() == 52 + 22
    fendou = Region.objects.get(code="232722200206")
    assert fendou.path == "230000000000/232700000000/232722000000/232722200000/232722200206/"
    assert fendou.level == "village" and fendou.depth == 4
    assert Region.objects.get(code="232722104000").aliases == ["开库康乡"]


def test_subtree_is_one_prefix_query(db):
    regions_load_builtin()
    tahe = Region.objects.get(code="232722000000")
    names = set(tahe.subtree().values_list("name", flat=True))
    assert {"塔河县", "奋斗村", "开库康村"} <= names and "北极村" not in names


def test_another_province_is_an_import(db):
    text = "code,name,level,parent_code\n150000000000,内蒙古自治区,province,\n150700000000,呼伦贝尔市,prefecture,150000000000\n"
    result = regions_import(text=text)
    assert result.created == 2
    assert Region.objects.get(code="150700000000").parent.code == "150000000000"


def test_errors_name_row_and_column_and_change_nothing(db):
    regions_load_builtin()
    before = Region.objects.count()
    text = (
        "code,name,level,parent_code\n"
        "232722200299,新村,village,232722200000\n"
        "12345,坏代码,village,232722200000\n"
        "232722200298,孤村,village,999999999999\n"
        "232722200297,错层,county,232722200000\n"
    )
    with pytest.raises(RegionImportError) as exc:
        regions_import(text=text)
    errors = {(e["row"], e["column"]) for e in exc.value.errors}
    assert errors == {(3, "code"), (4, "parent_code"), (5, "level")}
    assert Region.objects.count() == before
