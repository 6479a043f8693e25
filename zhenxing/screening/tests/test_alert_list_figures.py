"""The alert list never counts the alert table: its per-state, per-rule and per-region counts are
the figures (AlertCount) a run recomputes and each step moves; it pages by keyset on
(raised_at, id); the planner has fresh statistics after a run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from zhenxing.screening import alerts as alert_writes
from zhenxing.screening import figures, runs, selectors
from zhenxing.screening.models import Alert, AlertCount, AlertState

from .test_alerts import AS_OF, sick  # noqa: F401  (fixture)


def _group_by() -> dict:
    rows = Alert.objects.order_by().values("village_id", "department", "rule", "state").annotate(n=Count("id"))
    return {(r["village_id"], r["department"], r["rule"], r["state"]): r["n"] for r in rows}


def _figures() -> dict:
    return {(c.village_id, c.department, c.rule, c.state): c.n for c in AlertCount.objects.exclude(n=0)}


def test_figures_agree_with_a_group_by_after_run_transition_and_withdraw(w, sick):  # noqa: F811
    fendou_alert, kaikukang_alert = sick
    assert _figures() == _group_by() and sum(_figures().values()) == 2
    alert_writes.alert_transition(actor=w.shibazhan, alert=fendou_alert, action="issue")
    assert _figures() == _group_by()
    alert_writes.alert_transition(actor=w.yibao, alert=kaikukang_alert, action="withdraw", reason="结算记录重复")
    assert kaikukang_alert.state == AlertState.WITHDRAWN
    assert _figures() == _group_by()
    runs.screen(actor=None, as_of=AS_OF)  # a re-run recomputes them
    assert _figures() == _group_by()
    runs.screen(actor=None, as_of=dt.date(2023, 6, 30))  # the issued alert lapses
    assert Alert.objects.filter(state=AlertState.LAPSED).exists()
    assert _figures() == _group_by()


def test_the_list_shows_the_figures_per_state_rule_and_region(w, sick, login):  # noqa: F811
    fendou_alert, _ = sick
    alert_writes.alert_transition(actor=w.shibazhan, alert=fendou_alert, action="issue")
    page = login(w.tahe).get(reverse("screening:alerts"))
    counts = page.context["counts"]
    assert counts["total"] == 2
    assert {s["state"]: s["n"] for s in counts["by_state"]} == {"new": 1, "issued": 1}
    assert [(r["rule"], r["rule_name"], r["n"]) for r in counts["by_rule"]] == [
        ("medical", selectors.rule_name("medical"), 2)
    ]
    assert {r["region"].code: r["n"] for r in page.context["regions"]} == {
        w.r.shibazhan.code: 1,
        w.r.kaikukang_town.code: 1,
    }
    assert "符合条件的预警共2条" in page.content.decode()
    issued = login(w.tahe).get(reverse("screening:alerts"), {"state": "issued"})
    assert issued.context["counts"]["total"] == 1 and [a.pk for a in issued.context["page"]] == [fendou_alert.pk]
    # a department sees only the figures of its own data
    assert login(w.minzheng).get(reverse("screening:alerts")).context["counts"]["total"] == 0


def _alerts(village, n: int, start) -> list[Alert]:
    """n alerts, two by two with the same raised_at (ties are broken by id)."""
    return Alert.objects.bulk_create(
        [
            Alert(
                rule="housing",
                rule_name="住房安全",
                subject=f"k{village.pk}-{i}",
                village=village,
                state=AlertState.NEW,
                raised_at=start + dt.timedelta(minutes=i // 2),
                updated_at=start,
                evidence={"records": [], "record_count": 0},
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize(
    "who,kept",
    [("tahe", True), ("shibazhan", True), ("shibazhan", False)],  # (raised_at, id) index; per-village merge
)
def test_keyset_pages_walk_every_alert_once_newest_first(w, login, who, kept):
    start = timezone.now() - dt.timedelta(days=1)
    _alerts(w.r.fendou, 61, start)
    _alerts(w.r.yongfeng, 60, start)
    _alerts(w.r.kaikukang, 10, start)
    if kept:  # with figures the township's share is large: one pass of the (raised_at, id) index
        figures.alert_counts_refresh()
    expected = list(selectors.alerts_for(getattr(w, who)).order_by("-raised_at", "-id").values_list("pk", flat=True))
    client = login(getattr(w, who))
    seen, cursor, pages = [], "", 0
    while True:
        page = client.get(reverse("screening:alerts"), {"cursor": cursor} if cursor else {})
        seen += [a.pk for a in page.context["page"]]
        cursor, pages = page.context["next_cursor"], pages + 1
        if not cursor:
            break
    assert seen == expected and pages == -(-len(expected) // selectors.PAGE)


def test_a_cursor_that_is_not_ours_starts_from_the_first_page(w, login):
    _alerts(w.r.fendou, 3, timezone.now())
    page = login(w.tahe).get(reverse("screening:alerts"), {"cursor": "not-a-cursor"})
    assert page.status_code == 200 and len(page.context["page"]) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_after_a_run_the_list_is_read_through_the_raised_at_index(w, sick, login):  # noqa: F811
    """The run ANALYZEs the alert table; the county's list then walks alert_raised (no sort of all rows)."""
    start = timezone.now() - dt.timedelta(days=3)
    for village in (w.r.fendou, w.r.yongfeng, w.r.kaikukang, w.r.huma_village):
        _alerts(village, 1500, start)
    runs.screen(actor=None, as_of=AS_OF)  # ends with ANALYZE of what it wrote
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = 'screening_alert'")
        assert cur.fetchone()[0] >= 6000  # the statistics know the rows
    for who in ("diqu", "tahe"):
        qs = selectors.alerts_for(getattr(w, who)).order_by("-raised_at", "-id")[:51]
        plan = qs.explain()
        assert "alert_raised" in plan and "Sort" not in plan, plan
