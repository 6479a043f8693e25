"""Household import, step 3 — plan: compare the valid households with the database (by 户编号 and by
the members' keyed ID hashes, refusing what belongs to another household or lies outside the
importer's scope) and work out what to insert and update. Reads only; nothing is written here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.regions.models import Region

from .. import idnumber
from ..models import Household, HouseholdIncome, Member, MemberStatus, Relation, Schooling
from .read import BATCH, HOUSEHOLD_FIELDS, MEMBER_FIELDS, MONEY_KEYS
from .report import ImportReport
from .validate import Households, Row


@dataclass
class Plan:
    now: dt.datetime
    good: list[str]  # the household numbers without errors
    existing_h: dict[str, Household]
    new_h: list[dict] = field(default_factory=list)  # column values of new households
    changed_h: list[tuple[Household, dict]] = field(default_factory=list)
    new_m: list[dict] = field(default_factory=list)  # column values of new members (+ "_number", "_plain")
    changed_m: list[tuple[Member, dict]] = field(default_factory=list)
    incomes: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new_h or self.changed_h or self.new_m or self.changed_m or self.incomes)


def _plan_household_values(head: Row, rows: list[Row]) -> dict:
    members = [r.values for r in rows]
    return {
        "phone": head.values.get("phone", ""),
        "formerly_poor": head.values.get("formerly_poor", False),
        "exit_year": head.values.get("exit_year"),
        "housing_safe": head.values.get("housing_safe", True),
        "water_safe": head.values.get("water_safe", True),
        "schooling_secured": all(m.get("schooling") != Schooling.DROPOUT for m in members),
        "medical_insured": all(m.get("insured", True) for m in members),
    }


def plan_build(
    households: Households,
    rows: list[Row],
    bad: set[str],
    report: ImportReport,
    actor,
    progress: Callable[[str, int, int], None],
) -> Plan:
    groups, heads, villages = households.groups, households.heads, households.villages
    # Against the database: households by number, members by keyed hash.
    progress("比对", 0, len(groups))
    numbers = list(groups)
    existing_h: dict[str, Household] = {}
    for start in range(0, len(numbers), BATCH):
        for h in Household.objects.filter(number__in=numbers[start : start + BATCH]):
            existing_h[h.number] = h
    hashes = {r.values["id_number"]: idnumber.id_hash(r.values["id_number"]) for r in rows if "id_number" in r.values}
    hash_list = list(set(hashes.values()))
    existing_m: dict[str, dict] = {}  # plain values: no model instances for 100,000 unchanged rows
    member_cols = (
        "pk",
        "id_hash",
        "id_masked",
        "household_id",
        "household__number",
        "household__village_id",
        *MEMBER_FIELDS,
    )
    for start in range(0, len(hash_list), BATCH):
        for m in Member.objects.filter(id_hash__in=hash_list[start : start + BATCH]).values(*member_cols):
            existing_m[m["id_hash"]] = m
    region_cache = {
        r.pk: r
        for r in Region.objects.filter(
            pk__in={h.village_id for h in existing_h.values()}
            | {m["household__village_id"] for m in existing_m.values()}
        )
    }
    visible = None
    if actor is not None:
        visible = lambda village_id: scope.region_in_scope(actor, region_cache[village_id])  # noqa: E731
    for h in existing_h.values():
        h.village = region_cache[h.village_id]

    db_heads: dict[int, Member] = {}
    existing_ids = [h.pk for h in existing_h.values()]
    for start in range(0, len(existing_ids), BATCH):
        for m in Member.objects.filter(
            household_id__in=existing_ids[start : start + BATCH], relation=Relation.HEAD, status=MemberStatus.ACTIVE
        ).only("pk", "name", "id_hash", "household_id"):
            db_heads[m.household_id] = m
    for number, members in groups.items():
        h = existing_h.get(number)
        head = heads.get(number)
        if h is not None and head is not None:
            if visible is not None and not visible(h.village_id):
                report.error(head.row, "户编号", f"户编号 {number} 已被您数据权限范围外的农户使用")
                bad.add(number)
                continue
            village = villages.get(number)
            if village is not None and village.pk != h.village_id:
                report.error(head.row, "村", f"户编号 {number} 已登记在“{h.village.name}”，与本行的村不一致")
                bad.add(number)
        for r in members:
            n = r.values.get("id_number")
            if n is None:
                continue
            m = existing_m.get(hashes[n])
            if m is not None and m["household__number"] != number:
                where = (
                    f"户编号 {m['household__number']}"
                    if visible is None or visible(m["household__village_id"])
                    else "其他地区的农户"
                )
                report.error(r.row, "身份证号", f"该身份证号已登记在{where} 中；成员迁户请办理“户间迁移”")
                bad.add(number)
        if h is not None and head is not None and "id_number" in head.values:
            db_head = db_heads.get(h.pk)
            if db_head is not None and db_head.id_hash != hashes[head.values["id_number"]]:
                report.error(
                    head.row,
                    "与户主关系",
                    f"该户在系统中的户主是{db_head.name}；更换户主请先办理成员变动（死亡、迁出）",
                )
                bad.add(number)

    # The plan for the households without errors.
    good = [n for n in groups if n not in bad and n in heads and n in villages]
    report.skipped_households = len(groups) - len(good)
    now = timezone.now()
    existing_income: dict[tuple[int, int], HouseholdIncome] = {}
    known_ids = [existing_h[n].pk for n in good if n in existing_h]
    for start in range(0, len(known_ids), BATCH):
        for inc in HouseholdIncome.objects.filter(household_id__in=known_ids[start : start + BATCH]):
            existing_income[(inc.household_id, inc.year)] = inc
    plan = Plan(now=now, good=good, existing_h=existing_h)
    new_h, changed_h, new_m, changed_m, incomes = plan.new_h, plan.changed_h, plan.new_m, plan.changed_m, plan.incomes

    for number in good:
        members, head = groups[number], heads[number]
        values = _plan_household_values(head, members)
        values["village_id"] = villages[number].pk
        h = existing_h.get(number)
        h_changed = False
        if h is None:
            new_h.append({"number": number, "created_at": now, "updated_at": now, **values})
            report.households.created += 1
        else:
            before = {f: getattr(h, f) for f in HOUSEHOLD_FIELDS}
            if before != values:
                changed_h.append((h, before))
                for f, v in values.items():
                    setattr(h, f, v)
                h.updated_at = now
                h_changed = True
        year = head.values.get("income_year")
        if year:
            amounts = {k: head.values[k] for k in MONEY_KEYS}
            old = existing_income.get((h.pk, year)) if h is not None else None
            if old is None or any(getattr(old, k) != v for k, v in amounts.items()):
                incomes.append((number, {"year": year, **amounts, "_before": old}))
                h_changed = h_changed or h is not None
        if h is not None:
            if h_changed:
                report.households.updated += 1
            else:
                report.households.unchanged += 1
        for r in members:
            n = r.values["id_number"]
            digest = hashes[n]
            mv = {f: r.values[f] for f in MEMBER_FIELDS}
            m = existing_m.get(digest)
            if m is None:
                new_m.append(
                    {
                        **mv,
                        "id_hash": digest,
                        "id_masked": idnumber.mask(n),
                        "sex": idnumber.sex(n),
                        "birth_date": idnumber.birth_date(n),
                        "_number": number,
                        "_plain": n,
                    }
                )
                report.members.created += 1
            else:
                before = {f: m[f] for f in MEMBER_FIELDS}
                if before != mv:
                    changed_m.append(
                        (Member(pk=m["pk"], household_id=m["household_id"], id_masked=m["id_masked"], **mv), before)
                    )
                    report.members.updated += 1
                else:
                    report.members.unchanged += 1

    return plan
