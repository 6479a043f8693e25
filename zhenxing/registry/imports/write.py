"""Household import, step 4 — write: one transaction of set-based inserts and updates, one set-based
recompute, set-based audit entries and one ``import`` event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.audit.context import acting, bulk_logged

from .. import idnumber
from ..models import Household, HouseholdIncome, Member, MemberChange, MemberChangeKind
from .plan import Plan
from .read import BATCH, HOUSEHOLD_FIELDS, MEMBER_FIELDS, MONEY_KEYS
from .report import ImportReport


def plan_write(
    plan: Plan, *, report: ImportReport, actor, request, filename: str, progress: Callable[[str, int, int], None]
) -> None:
    from zhenxing.lib import bulk

    from ..services import household_recompute, households_touch

    now, good, existing_h = plan.now, plan.good, plan.existing_h
    new_h, changed_h, new_m, changed_m, incomes = plan.new_h, plan.changed_h, plan.new_m, plan.changed_m, plan.incomes
    total = len(new_h) + len(changed_h) + len(new_m) + len(changed_m) + len(incomes)
    done = 0
    with transaction.atomic(), acting(actor), bulk_logged():
        progress("写入农户", done, total)
        bulk.insert_rows(Household, new_h)
        done += len(new_h)
        ids: dict[str, int] = {n: h.pk for n, h in existing_h.items()}
        existing_ids = set(ids.values())
        ids.update({h["number"]: h["id"] for h in new_h})
        if changed_h:
            Household.objects.bulk_update(
                [h for h, _ in changed_h], [*HOUSEHOLD_FIELDS, "updated_at"], batch_size=BATCH
            )
            done += len(changed_h)
        progress("写入成员", done, total)
        fernet = idnumber.fernet()
        for m in new_m:
            m["household_id"] = ids[m["_number"]]
            m["id_cipher"] = fernet.encrypt(m["_plain"].encode()).decode()
        for start in range(0, len(new_m), 20000):
            bulk.insert_rows(Member, new_m[start : start + 20000])
            done += len(new_m[start : start + 20000])
            progress("写入成员", done, total)
        if changed_m:
            Member.objects.bulk_update([m for m, _ in changed_m], list(MEMBER_FIELDS), batch_size=BATCH)
            done += len(changed_m)
        today = dt.date.today()
        reason = f"批量导入：{filename}"[:200]
        recorder = actor.pk if actor is not None and actor.pk else None
        bulk.insert_rows(
            MemberChange,
            [
                {
                    "member_id": m["id"],
                    "kind": MemberChangeKind.JOIN,
                    "household_id": m["household_id"],
                    "from_household_id": None,
                    "date": today,
                    "reason": reason,
                    "recorded_by_id": recorder,
                    "recorded_at": now,
                }
                for m in new_m
            ],
        )
        fresh = [
            {"household_id": ids[number], "year": v["year"], **{k: v[k] for k in MONEY_KEYS}}
            for number, v in incomes
            if v["_before"] is None
        ]
        bulk.insert_rows(HouseholdIncome, fresh)
        changed_incomes = []
        for number, v in incomes:
            if v["_before"] is not None:
                for k in MONEY_KEYS:
                    setattr(v["_before"], k, v[k])
                # The year's own collection replaces a figure the work verified (services.income_set).
                v["_before"].verified_net_income, v["_before"].verified_source = None, ""
                changed_incomes.append((number, v))
        HouseholdIncome.objects.bulk_update(
            [v["_before"] for _, v in changed_incomes],
            [*MONEY_KEYS, "verified_net_income", "verified_source"],
            batch_size=BATCH,
        )
        done += len(incomes)
        progress("汇总", done, total)
        touched = [ids[n] for n in good]
        household_recompute(touched, touch=False)
        # a household whose members or incomes changed (not its own row) changed too: the field
        # app's sync brings it again
        households_touch(
            {m.household_id for m, _ in changed_m}
            | {m["household_id"] for m in new_m if m["household_id"] in existing_ids}
            | {ids[number] for number, _ in incomes if number in existing_h}
        )
        report.household_ids = touched

        # Set-based audit (COPY on PostgreSQL): one entry for every record created or changed.
        counts: dict[int, int] = {}
        for m in new_m:
            counts[m["household_id"]] = counts.get(m["household_id"], 0) + 1
        extra = {"import": filename}
        keep = (
            "number",
            "village_id",
            "phone",
            "formerly_poor",
            "exit_year",
            "housing_safe",
            "schooling_secured",
            "medical_insured",
            "water_safe",
        )
        audit.bulk_change_log(
            model=Household,
            extra=extra,
            rows=(
                [
                    (
                        h["id"],
                        h["number"],
                        "create",
                        None,
                        {**{k: h[k] for k in keep}, "members": counts.get(h["id"], 0)},
                    )
                    for h in new_h
                ]
                + [
                    (
                        h.pk,
                        str(h),
                        "update",
                        {k: b[k] for k in b if b[k] != getattr(h, k)},
                        {k: getattr(h, k) for k in b if b[k] != getattr(h, k)},
                    )
                    for h, b in changed_h
                ]
            ),
        )
        audit.bulk_change_log(
            model=Member,
            extra=extra,
            rows=(
                [
                    (
                        m["id"],
                        f"{m['name']}（{m['id_masked']}）",
                        "create",
                        None,
                        {k: m[k] for k in ("household_id", *MEMBER_FIELDS, "id_masked", "sex", "birth_date")},
                    )
                    for m in new_m
                ]
                + [
                    (
                        m.pk,
                        str(m),
                        "update",
                        {k: b[k] for k in b if b[k] != getattr(m, k)},
                        {k: getattr(m, k) for k in b if b[k] != getattr(m, k)},
                    )
                    for m, b in changed_m
                ]
            ),
        )
        audit.bulk_change_log(
            model=HouseholdIncome,
            extra=extra,
            rows=(
                [(i["id"], f"{i['household_id']} {i['year']}年收入", "create", None, i) for i in fresh]
                + [
                    (v["_before"].pk, f"{number} {v['year']}年收入", "update", None, {k: v[k] for k in MONEY_KEYS})
                    for number, v in changed_incomes
                ]
            ),
        )
        report.committed = True
        audit.event_log(
            action="import",
            actor=actor,
            request=request,
            extra={
                "file": filename,
                **report.as_json(),
                "errors": report.errors[:100],
                "skipped_households": report.skipped_households,
            },
        )
    progress("完成", total, total)
