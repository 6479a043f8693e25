"""The registry mirror (mirror.py): a run reads only the households, members and income rows that
changed since the last one, and ends with the same snapshot as a whole export (PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from zhenxing.regions.models import Region
from zhenxing.registry import idnumber, testing
from zhenxing.registry.models import HouseholdIncome, Member
from zhenxing.screening import engine, runs, snapshot

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the change log is PostgreSQL's")


def _load():
    duck = engine.DuckEngine()
    stats = snapshot.load(duck.con, income_year=2021)
    tables = {name: duck.query(f"SELECT * FROM {name} ORDER BY ALL") for name in ("hh", "mem", "inc", "elim", "vil")}
    duck.con.close()
    return stats, tables


def test_only_changed_rows_are_read_and_the_result_equals_a_whole_export(w):
    a = testing.make_household(village=w.r.fendou, number="MA", income={"wage_income": 5000})
    b = testing.make_household(village=w.r.fendou, number="MB")
    first, _ = _load()
    assert first["full"] is True
    again, _ = _load()
    assert again == {"full": False, "changed": {"hh": 0, "mem": 0, "inc": 0}, "members": first["members"]}
    HouseholdIncome.objects.filter(household=b).update(wage_income=1)  # members unchanged: same version
    assert _load()[0]["members"] == first["members"]

    HouseholdIncome.objects.filter(household=a).update(wage_income=40000)  # a bulk update, no save()
    Member.objects.filter(pk=b.members.order_by("id").last().pk).update(status="dead")
    testing.make_household(village=w.r.huma_village, number="MC", members=[{"relation": "head"}])
    Member.objects.filter(pk=a.members.order_by("id").last().pk).update(household=b)  # moved
    stats, incremental = _load()
    assert stats["full"] is False
    assert stats["changed"]["hh"] == 1  # the new household
    assert stats["changed"]["mem"] == 3  # one dead, one moved, one new
    assert stats["changed"]["inc"] == 2  # a's income changed, the new household's
    assert stats["members"] != first["members"]  # runs count unmatched records again

    with connection.cursor() as cur:
        cur.execute("DELETE FROM screening_mirrorstate")  # forces a whole export
    rebuilt_stats, whole = _load()
    assert rebuilt_stats["full"] is True
    assert incremental == whole
    assert [r for r in whole["inc"] if r[0] == a.pk][0][2] == 40000


def test_a_change_of_the_region_tree_rebuilds_the_mirror(w):
    testing.make_household(village=w.r.fendou, number="MA")
    assert _load()[0]["full"] is True
    Region.objects.filter(pk=w.r.fendou.pk).update(name="奋斗村（改）")
    assert _load()[0]["full"] is True
    assert _load()[0]["full"] is False


def test_a_run_sees_a_change_made_after_the_previous_run(w):
    poor = testing.make_household(village=w.r.fendou, number="MA", income={"wage_income": 50000})
    first = runs.screen(actor=None, as_of=dt.date(2022, 6, 30))
    assert first["alerts"]["income"] == 0 and first["mirror"]["full"] is True
    HouseholdIncome.objects.filter(household=poor).update(wage_income=1000)
    second = runs.screen(actor=None, as_of=dt.date(2022, 6, 30))
    assert second["mirror"]["changed"] == {"hh": 0, "mem": 0, "inc": 1}
    assert second["mirror"]["full"] is False
    assert second["alerts"]["income"] == 1 and second["new"] == 1


def test_unmatched_counts_are_reused_only_while_members_and_feed_files_stand(w, feed):
    from zhenxing.screening.tests.test_feeds import med

    h = testing.make_household(village=w.r.fendou, number="MA")
    member_id = idnumber.decrypt(h.members.first().id_cipher)
    feed("medical", [med("S1", member_id), med("S2", testing.new_id())])
    first = runs.screen(actor=None, as_of=dt.date(2022, 6, 30))
    assert first["unmatched"]["medical"] == 1 and "unmatched_from_run" not in first
    again = runs.screen(actor=None, as_of=dt.date(2022, 6, 30))
    assert again["unmatched"] == first["unmatched"] and again["unmatched_from_run"] > 0
    # the unmatched person joins the registry: counted again, now 0
    other = testing.make_household(village=w.r.fendou, number="MB")
    stranger = feed("medical", [med("S3", idnumber.decrypt(other.members.first().id_cipher))])
    assert stranger.new == 1
    third = runs.screen(actor=None, as_of=dt.date(2022, 6, 30))
    assert "unmatched_from_run" not in third and third["unmatched"]["medical"] == 1
    Member.objects.filter(household=h).update(status="dead")  # a bulk update: the mirror's members change
    fourth = runs.screen(actor=None, as_of=dt.date(2022, 6, 30))
    assert "unmatched_from_run" not in fourth
