"""Reads of the registry, always through the data scope.

The household list stays fast at 1,000,000 households: filters are indexed columns or EXISTS
subqueries on indexed member columns, the order is a keyset (sort column, id), and nothing
counts the whole set (``lib.pagination.count_capped`` counts at most a thousand and one rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhenxing.accounts import scope
from zhenxing.audit import display as audit_display
from zhenxing.audit.selectors import record_history
from zhenxing.lib.pagination import decode_cursor, encode_cursor
from zhenxing.regions.models import Level, Region

from . import idnumber
from .models import Household, HouseholdIncome, Member, MemberChange, MemberStatus

PAGE = 50
SEARCH_CAP = 10_000
PER_VILLAGE_MAX = 64  # households matched by one name
# sort key -> (field, descending)
SORTS = {
    "number": ("number", False),
    "-number": ("number", True),
    "income": ("per_capita_income", False),
    "-income": ("per_capita_income", True),
    "name": ("head_name", False),
}
SORT_LABELS = {
    "number": "户编号",
    "-number": "户编号（倒序）",
    "income": "人均纯收入（从低到高）",
    "-income": "人均纯收入（从高到低）",
    "name": "户主姓名",
}


@dataclass
class HouseholdFilters:
    q: str = ""
    id_hash: str = ""  # the keyed hash of an ID number: pages never put the number itself in a URL
    region: Region | None = None
    formerly_poor: bool | None = None
    monitoring_status: str = ""
    income_min: Decimal | None = None
    income_max: Decimal | None = None
    labour: str = ""
    health: str = ""
    monitoring_kind: str = ""
    income_below: Decimal | None = None  # per-capita income strictly below (the dashboard's standard links)
    housing_safe: bool | None = None
    water_safe: bool | None = None
    medical_insured: bool | None = None
    schooling_secured: bool | None = None
    sort: str = "number"
    village_ids: list[int] | None = None  # set by household_search when a region is chosen


def _living(**kw) -> Exists:
    return Exists(Member.objects.filter(household=OuterRef("pk"), status=MemberStatus.ACTIVE, **kw))


def household_search(*, user, filters: HouseholdFilters) -> QuerySet[Household]:
    qs = scope.scoped(user, Household)
    f = filters
    q = (f.q or "").strip()
    # Searches resolve to household ids first with indexed lookups (an OR across tables would
    # defeat the indexes at 1,000,000 households), then filter the scoped set by id.
    if f.id_hash:
        qs = qs.filter(pk__in=list(Member.objects.filter(id_hash=f.id_hash).values_list("household_id", flat=True)))
    if q:
        number = idnumber.full_id(q)
        if number is not None:
            ids = set(Member.objects.filter(id_hash=idnumber.id_hash(number)).values_list("household_id", flat=True))
        else:
            ids = set(Household.objects.filter(number=q).values_list("pk", flat=True)[:SEARCH_CAP])
            ids |= set(Household.objects.filter(head_name=q).values_list("pk", flat=True)[:SEARCH_CAP])
            ids |= set(Member.objects.filter(name=q).values_list("household_id", flat=True)[:SEARCH_CAP])
        qs = qs.filter(pk__in=sorted(ids)[:SEARCH_CAP])
    # The region subtree as a concrete list of village ids (the region table is small): with one
    # village the (village, number) index gives the page directly; the planner estimates an
    # IN-list far better than the scope's path-prefix subquery (which still applies).
    villages = scope.regions(user).filter(level=Level.VILLAGE)
    if f.region is not None:
        villages = villages.filter(path__startswith=f.region.path)
    village_ids = list(villages.values_list("pk", flat=True))
    qs = qs.filter(village_id__in=village_ids)
    f.village_ids = village_ids if f.region is not None else None
    if f.formerly_poor is not None:
        qs = qs.filter(formerly_poor=f.formerly_poor)
    if f.monitoring_status:
        qs = qs.filter(monitoring_status=f.monitoring_status)
    if f.income_min is not None:
        qs = qs.filter(per_capita_income__gte=f.income_min)
    if f.income_max is not None:
        qs = qs.filter(per_capita_income__lte=f.income_max)
    if f.income_below is not None:
        qs = qs.filter(per_capita_income__lt=f.income_below)
    if f.monitoring_kind:
        qs = qs.filter(monitoring_kind=f.monitoring_kind)
    for flag in ("housing_safe", "water_safe", "medical_insured", "schooling_secured"):
        if getattr(f, flag) is not None:
            qs = qs.filter(**{flag: getattr(f, flag)})
    if f.labour:
        qs = qs.filter(_living(labour=f.labour))
    if f.health:
        qs = qs.filter(_living(health=f.health))
    return qs


def keyset_page(
    qs: QuerySet[Household],
    *,
    sort: str = "number",
    cursor: str = "",
    size: int = PAGE,
    villages: list[int] | None = None,
):
    """(rows, next cursor or ""): ordered by (sort column, id), NULLs last, no OFFSET and no COUNT.

    The condition after a cursor is ``col >= v AND (col > v OR (col = v AND id > pk))`` so the
    (col, id) index gives a range scan; rows with a NULL sort value come after all others, by id.
    """
    field, desc = SORTS.get(sort, SORTS["number"])
    nullable = Household._meta.get_field(field).null
    op, op_eq = ("lt", "lte") if desc else ("gt", "gte")
    order = [f"-{field}" if desc else field, "-pk" if desc else "pk"]
    decoded = decode_cursor(cursor) if cursor else None
    if decoded is not None and decoded[0] is not None:
        value = decoded[0]
        try:
            value = {"per_capita_income": Decimal, "living_members": int}.get(field, str)(value)
        except (InvalidOperation, ValueError):
            decoded = None
        else:
            decoded = (value, decoded[1])
    rows: list[Household] = []
    if decoded is None or decoded[0] is not None:
        main = qs.filter(**{f"{field}__isnull": False}) if nullable else qs
        if decoded is not None:
            value, pk = decoded
            main = main.filter(**{f"{field}__{op_eq}": value}).filter(
                Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk})
            )
        if field == "number" and villages is not None and 1 < len(villages) <= PER_VILLAGE_MAX:
            # Household numbers follow village codes, so matches of a few villages sit in a few
            # stretches of the number index that the planner cannot foresee: read each village's
            # first page through the (village, number) index and merge.
            for v in villages:
                rows += list(main.filter(village_id=v).order_by(*order)[: size + 1])
            rows.sort(key=lambda h: (h.number, h.pk), reverse=desc)
            rows = rows[: size + 1]
        else:
            rows = list(main.order_by(*order)[: size + 1])
    if nullable and len(rows) <= size:
        tail = qs.filter(**{f"{field}__isnull": True})
        if decoded is not None and decoded[0] is None:
            tail = tail.filter(**{f"pk__{op}": decoded[1]})
        rows += list(tail.order_by("-pk" if desc else "pk")[: size + 1 - len(rows)])
    more = len(rows) > size
    rows = rows[:size]
    nxt = encode_cursor(getattr(rows[-1], field), rows[-1].pk) if more and rows else ""
    return rows, nxt


def household_timeline(*, user, household: Household, limit: int = 200):
    """Every recorded change of the household, its members and incomes (the audit log), newest first,
    in words (``audit.display``: each entry with its action, record and changed fields in Chinese);
    phones masked for a user without ``registry.phone.full``, as on the page itself."""
    entries = []
    entries += list(record_history(user=user, model="registry.household", object_ids=[household.pk]))
    member_ids = list(Member.objects.filter(household=household).values_list("pk", flat=True))
    moved = MemberChange.objects.filter(Q(household=household) | Q(from_household=household)).values_list(
        "member_id", flat=True
    )
    member_ids = sorted(set(member_ids) | set(moved))
    if member_ids:
        entries += list(record_history(user=user, model="registry.member", object_ids=member_ids))
    income_ids = list(HouseholdIncome.objects.filter(household=household).values_list("pk", flat=True))
    if income_ids:
        entries += list(record_history(user=user, model="registry.householdincome", object_ids=income_ids))
    change_ids = list(
        MemberChange.objects.filter(Q(household=household) | Q(from_household=household)).values_list("pk", flat=True)
    )
    if change_ids:
        entries += list(record_history(user=user, model="registry.memberchange", object_ids=change_ids))
    entries.sort(key=lambda e: (e.at, e.pk), reverse=True)
    return audit_display.describe(entries[:limit], phones_full=scope.may(user, "registry.phone.full"))


def export_rows(qs: QuerySet[Household], *, limit: int | None = None):
    """Template rows (one per member, households in list order) for the export, streamed in batches."""
    from .imports import MONEY_KEYS
    from .models import Health, Labour, Relation, Schooling, WorkStatus

    labels = {
        "relation": dict(Relation.choices),
        "labour": dict(Labour.choices),
        "health": dict(Health.choices),
        "schooling": dict(Schooling.choices),
        "work_status": dict(WorkStatus.choices),
    }
    ids = qs.order_by("number").values_list("pk", flat=True)
    if limit:
        ids = ids[:limit]
    ids = list(ids)
    yes = lambda b: "是" if b else "否"  # noqa: E731
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        households = {h.pk: h for h in Household.objects.filter(pk__in=chunk).select_related("village__parent__parent")}
        incomes = {(i.household_id, i.year): i for i in HouseholdIncome.objects.filter(household_id__in=chunk)}
        members: dict[int, list[Member]] = {}
        for m in Member.objects.filter(household_id__in=chunk, status=MemberStatus.ACTIVE).order_by(
            "household_id", "pk"
        ):
            members.setdefault(m.household_id, []).append(m)
        for pk in chunk:
            h = households[pk]
            inc = incomes.get((pk, h.income_year))
            ordered = sorted(members.get(pk, []), key=lambda m: (m.relation != "head", m.pk))
            for m in ordered:
                row = {
                    "number": h.number,
                    "county": h.village.parent.parent.name,
                    "township": h.village.parent.name,
                    "village": h.village.name,
                    "name": m.name,
                    "id_number": m.id_masked,
                    "id_cipher": m.id_cipher,
                    "relation": str(labels["relation"].get(m.relation, "")),
                    "labour": str(labels["labour"].get(m.labour, "")),
                    "health": str(labels["health"].get(m.health, "")),
                    "schooling": str(labels["schooling"].get(m.schooling, "")),
                    "work_status": str(labels["work_status"].get(m.work_status, "")),
                    "insured": yes(m.insured),
                }
                if m.relation == "head":
                    row.update(
                        {
                            "formerly_poor": yes(h.formerly_poor),
                            "exit_year": h.exit_year or "",
                            "phone": h.phone,
                            "housing_safe": yes(h.housing_safe),
                            "water_safe": yes(h.water_safe),
                        }
                    )
                    if inc is not None:
                        row["income_year"] = inc.year
                        row.update({k: getattr(inc, k) for k in MONEY_KEYS})
                yield row
