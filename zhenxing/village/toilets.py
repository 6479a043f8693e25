"""户厕摸排 and its rectification (plan task 12), and the rectification of 村庄清洁 problems (task 13).

A problem toilet opens one rectification item in the ledger (type ``toilet``, source 自查排查,
``source_ref`` ``village.toilet:<id>``); a problem found by a cleaning inspection opens one of type
``environment`` (``village.cleaning:<id>``). The ledger tells this module when such an item is closed
(核验销号) or reopened (回头看发现问题), through the ledger's ``rectification`` provider hook
(``village/rectification.py``): the toilet becomes 已整改, or is a problem toilet again.

A 回头看 round samples the rectified toilets of its region; each recheck that fails sends the
toilet's item back (ledger ``recheck_fail``), each that passes confirms it (``item_recheck_pass``)."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.audit.writes import audited_bulk_create
from zhenxing.ledger import services as ledger
from zhenxing.ledger.models import RectificationItem
from zhenxing.regions.models import Region
from zhenxing.registry.models import Household

from .models import (
    CleaningRound,
    Recheck,
    RecheckRound,
    Toilet,
    ToiletKind,
    ToiletMode,
    ToiletProblem,
    ToiletStatus,
)
from .services import KEEP

SOURCE_TOILET = "village.toilet:"
SOURCE_CLEANING = "village.cleaning:"
CENSUS_FIELDS = ("has_toilet", "kind", "mode", "indoor", "built_year", "funding")


def _census_errors(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if values.get("has_toilet"):
        if values.get("kind") not in ToiletKind.values:
            errors["kind"] = ["有户厕的须选择厕所类型"]
        if values.get("mode") and values["mode"] not in ToiletMode.values:
            errors["mode"] = ["技术模式须为宜水则水或宜旱则旱"]
    year = values.get("built_year")
    if year and not (1950 <= int(year) <= timezone.localdate().year):
        errors["built_year"] = ["建设年度不正确"]
    return errors


def toilet_survey(*, actor, household: Household, surveyed_on: dt.date | None = None, **values) -> Toilet:
    """Record (or correct) the census of one household's toilet."""
    scope.require_write(actor, household.village, KEEP)
    values = {k: values.get(k) for k in CENSUS_FIELDS if k in values}
    values.setdefault("has_toilet", True)
    if not values["has_toilet"]:
        values.update(kind="", mode="", indoor=False, built_year=None)
    errors = _census_errors(values)
    if errors:
        raise ValidationError(errors)
    values = {k: ("" if v is None and k in ("kind", "mode", "funding") else v) for k, v in values.items()}
    with transaction.atomic(), acting(actor):
        toilet = Toilet.objects.select_for_update().filter(household=household).first()
        if toilet is None:
            toilet = Toilet(household=household, village_id=household.village_id)
        else:
            toilet.version += 1
        for name, value in values.items():
            setattr(toilet, name, value)
        toilet.surveyed_on = surveyed_on or timezone.localdate()
        toilet.save()
    return toilet


def census_write(*, actor, village: Region, rows: list[dict], surveyed_on: dt.date) -> int:
    """A whole village's census at once (the import, the demo): ``rows`` of {household, values};
    households already surveyed are corrected one by one, new ones inserted set-based."""
    scope.require_write(actor, village, KEEP)
    have = set(
        Toilet.objects.filter(household__in=[r["household"] for r in rows]).values_list("household_id", flat=True)
    )
    new = []
    with transaction.atomic(), acting(actor):
        for r in rows:
            h = r["household"]
            if h.pk in have:
                toilet_survey(actor=actor, household=h, surveyed_on=surveyed_on, **r["values"])
            else:
                new.append(Toilet(household=h, village_id=h.village_id, surveyed_on=surveyed_on, **r["values"]))
        audited_bulk_create(Toilet, new, actor=actor, extra={"kind": "village.census"}, batch_size=1000)
    return len(rows)


def toilet_problem(
    *, actor, toilet: Toilet, problem: str, note: str = "", found_on: dt.date | None = None, deadline=None
) -> RectificationItem:
    """A problem toilet: opens (once) the rectification item of the ledger."""
    scope.require_write(actor, toilet, KEEP)
    if problem not in ToiletProblem.values:
        raise ValidationError({"problem": ["请选择问题类型"]})
    if toilet.status in (ToiletStatus.PROBLEM, ToiletStatus.RECTIFYING):
        raise ValidationError({"problem": ["该户厕已在整改中"]})
    found_on = found_on or timezone.localdate()
    label = ToiletProblem(problem).label
    with transaction.atomic(), acting(actor):
        item = ledger.rectification_item_open_from_source(
            actor=actor,
            kind="toilet",
            region=toilet.village,
            household=toilet.household,
            source="self_check",
            source_label=f"户厕摸排：{label}",
            source_ref=f"{SOURCE_TOILET}{toilet.pk}",
            problem=f"户厕问题（{label}）" + (f"：{note.strip()}" if note and note.strip() else ""),
            found_on=found_on,
            deadline=deadline,
        )
        toilet.status = ToiletStatus.PROBLEM
        toilet.problem = problem
        toilet.problem_note = (note or "").strip()[:200]
        toilet.found_on = found_on
        toilet.deadline = item.deadline
        toilet.item_id = item.pk
        toilet.rectified_on = None
        toilet.version += 1
        toilet.save()
    return item


def toilet_item_moved(item: RectificationItem, closed: bool, on: dt.date) -> None:
    """The ledger closed (核验销号) or reopened (回头看) a toilet's item: inside its transaction."""
    toilet = Toilet.objects.filter(pk=_ref_id(item.source_ref, SOURCE_TOILET)).first()
    if toilet is None:
        return
    toilet.status = ToiletStatus.RECTIFIED if closed else ToiletStatus.RECTIFYING
    toilet.rectified_on = on if closed else None
    toilet.version += 1
    toilet.save(update_fields=["status", "rectified_on", "version"])


def _ref_id(ref: str, prefix: str) -> int | None:
    try:
        return int(ref[len(prefix) :])
    except ValueError:
        return None


# --- 回头看 ---------------------------------------------------------------------------------------


def recheck_round_start(
    *, actor, region: Region, name: str, started_on: dt.date | None = None, sample_percent: int = 20, seed=None
) -> RecheckRound:
    """Start a round over a county or township: a sample (``sample_percent``, at least one per
    village that has any) of the toilets rectified before it starts."""
    scope.require_write(actor, region, "village.recheck.organise")
    if not (name or "").strip():
        raise ValidationError({"name": ["须填写名称"]})
    if not 1 <= int(sample_percent) <= 100:
        raise ValidationError({"sample_percent": ["抽查比例须在1至100之间"]})
    started_on = started_on or timezone.localdate()
    rectified = list(
        Toilet.objects.filter(
            village__path__startswith=region.path, status=ToiletStatus.RECTIFIED, rectified_on__lte=started_on
        )
        .order_by("village_id", "id")
        .values_list("village_id", "id")
    )
    if not rectified:
        raise ValidationError({"region": ["该区域尚无已整改的户厕可供回头看"]})
    rng = random.Random(seed)
    by_village: dict[int, list[int]] = {}
    for v, t in rectified:
        by_village.setdefault(v, []).append(t)
    sample = []
    for ids in by_village.values():
        n = max(1, round(len(ids) * int(sample_percent) / 100))
        sample += rng.sample(ids, n)
    with transaction.atomic(), acting(actor):
        rnd = RecheckRound.objects.create(
            region=region,
            name=name.strip(),
            started_on=started_on,
            sample_percent=int(sample_percent),
            created_by=actor,
        )
        audited_bulk_create(Recheck, [Recheck(round=rnd, toilet_id=t) for t in sorted(sample)], actor=actor)
    return rnd


def recheck_record(*, actor, recheck: Recheck, passed: bool, note: str = "", on: dt.date | None = None) -> Recheck:
    """The result of one sampled toilet; a failed one goes back to rectification in the ledger."""
    scope.require_write(actor, recheck.round.region, "village.recheck.organise")
    if recheck.checked_on:
        raise ValidationError("该户厕已复查")
    if not passed and not (note or "").strip():
        raise ValidationError({"note": ["复查不合格的须写明发现的问题"]})
    on = on or timezone.localdate()
    item = RectificationItem.objects.filter(pk=recheck.toilet.item_id).first()
    with transaction.atomic(), acting(actor):
        recheck.checked_on = on
        recheck.passed = bool(passed)
        recheck.note = (note or "").strip()[:200] or ("复查合格" if passed else "")
        recheck.save()
        if item is not None and item.status == "closed":
            if passed:
                ledger.item_recheck_pass(actor=actor, item=item, result=recheck.note, on=on)
            else:
                ledger.item_transition(actor=actor, item=item, action="recheck_fail", note=recheck.note, on=on)
    return recheck


# --- 村庄清洁 problems -----------------------------------------------------------------------------


def cleaning_rectify(*, actor, record: CleaningRound) -> RectificationItem:
    """Open the rectification item of an inspection's problems (inside ``cleaning_record``)."""
    item = ledger.rectification_item_open_from_source(
        actor=actor,
        kind="environment",
        region=record.village,
        source="inspection",
        source_label=f"村庄清洁行动{record.get_season_display()}检查",
        source_ref=f"{SOURCE_CLEANING}{record.pk}",
        problem=record.problems,
        found_on=record.inspected_on,
    )
    record.item_id = item.pk
    record.save(update_fields=["item_id"])
    return item


def cleaning_item_moved(item: RectificationItem, closed: bool, on: dt.date) -> None:
    record = CleaningRound.objects.filter(pk=_ref_id(item.source_ref, SOURCE_CLEANING)).first()
    if record is not None:
        record.resolved_on = on if closed else None
        record.save(update_fields=["resolved_on"])
