from __future__ import annotations

import csv
import io
import statistics
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from zhenxing.registry import idnumber
from zhenxing.registry.generate import generate, villages
from zhenxing.registry.imports import HEADERS
from zhenxing.registry.models import Household


def _rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_generate_is_deterministic_valid_and_realistic(tmp_path):
    a = generate(households=600, seed=5, out_dir=tmp_path / "a")
    b = generate(households=600, seed=5, out_dir=tmp_path / "b")
    c = generate(households=600, seed=6, out_dir=tmp_path / "c")
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    with open(a, encoding="utf-8") as f:
        assert next(csv.reader(f)) == HEADERS
    rows = _rows(a)
    ids = [r["身份证号"] for r in rows]
    assert len(set(ids)) == len(ids) and all(idnumber.validate(i) == i for i in ids)
    heads = [r for r in rows if r["与户主关系"] == "户主"]
    assert len(heads) == 600 == len({r["户编号"] for r in rows})
    per_village = Counter(r["村"] for r in heads)
    assert len(per_village) == len(villages()) and min(per_village.values()) >= 12
    size = Counter(r["户编号"] for r in rows)
    assert 2.5 < statistics.mean(size.values()) < 3.5
    net = {
        h["户编号"]: (
            sum(float(h[k]) for k in ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入"))
            - float(h["生产经营性支出"])
        )
        / size[h["户编号"]]
        for h in heads
    }
    below = sum(1 for v in net.values() if v < 7000) / len(net)
    assert 0.01 < below < 0.12
    assert max(net.values()) > 3 * statistics.median(net.values())  # a long right tail
    poor = sum(1 for h in heads if h["是否脱贫户"] == "是") / len(heads)
    assert 0.15 < poor < 0.35


def test_generate_command_and_feeds_message(tmp_path, capsys):
    call_command("generate", "--households", "30", "--seed", "1", "--out", str(tmp_path))
    assert (tmp_path / "households.csv").exists()
    call_command("generate", "--households", "30", "--seed", "1", "--out", str(tmp_path), "--feeds")
    assert "已生成行业部门比对数据" in capsys.readouterr().out
    assert list((tmp_path / "feeds").glob("*.csv"))


def test_generate_feeds_without_the_screening_app_says_so(tmp_path, monkeypatch):
    from zhenxing.registry.management.commands import generate as command

    monkeypatch.setattr(command, "provided", lambda name: [])
    with pytest.raises(CommandError, match="筛查模块"):
        call_command("generate", "--households", "3", "--seed", "1", "--out", str(tmp_path), "--feeds")
    assert not (tmp_path / "households.csv").exists()


def test_demo_has_twelve_households_in_every_demo_village_and_is_idempotent(db):
    from zhenxing.regions.services import regions_load_builtin
    from zhenxing.registry import demo

    regions_load_builtin()
    demo.load(out=io.StringIO())
    first = set(Household.objects.values_list("number", "per_capita_income"))
    assert len(first) == demo.DEMO_HOUSEHOLDS
    counts = Counter(Household.objects.values_list("village__code", flat=True))
    assert len(counts) == len(villages()) and min(counts.values()) >= 12
    out = io.StringIO()
    demo.load(out=out)
    assert "新增 0 户" in out.getvalue() and set(Household.objects.values_list("number", "per_capita_income")) == first
