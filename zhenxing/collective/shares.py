"""Shares beyond the scheme's allotment: a 股权登记簿 kept before the system set member by member
(``share_set``, the shares import), and a household's holdings — the shares of its members, read
through the registry by ID hash, never stored per household."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.registry.models import Member

from .models import CollectiveMember, MemberState, ShareChange, ShareChangeKind, ShareHolding, ShareKind

FEN = Decimal("0.01")


def share_set(
    *, actor, member: CollectiveMember, figures: dict[str, Decimal], approval: str, date: dt.date
) -> list[str]:
    """核定: set a confirmed member's holdings of the given kinds to the figures (the register the
    organisation kept before the system). A figure equal to the holding writes nothing, so the same
    register imported twice changes nothing; each changed kind gets a ``ShareChange`` (核定) that
    records the figure set. Returns the kinds changed."""
    scope.require_write(actor, member, "collective.books.keep")
    errors: dict[str, list[str]] = {}
    if member.state != MemberState.CONFIRMED:
        errors["member"] = ["只能核定已确认成员的股权"]
    if not (approval or "").strip():
        errors["approval"] = ["须填写批准核定的会议或文件"]
    if date > dt.date.today():
        errors["date"] = ["核定日期不能晚于今天"]
    for kind, value in figures.items():
        if kind not in ShareKind.values:
            errors["kind"] = ["股份类别不正确"]
        elif value <= 0 or value != value.quantize(FEN):
            errors[kind] = [f"{ShareKind(kind).label}须为大于0的数，最多两位小数"]
    if errors:
        raise ValidationError(errors)
    changed = []
    with transaction.atomic(), acting(actor):
        held = {h.kind: h for h in ShareHolding.objects.select_for_update().filter(member=member)}
        for kind, value in figures.items():
            holding = held.get(kind)
            if holding is not None and holding.shares == value:
                continue
            if holding is None:
                ShareHolding.objects.create(member=member, kind=kind, shares=value)
            else:
                holding.shares = value
                holding.save(update_fields=["shares"])
            ShareChange.objects.create(
                organisation_id=member.organisation_id,
                kind=ShareChangeKind.SET,
                share_kind=kind,
                to_member=member,
                shares=value,
                approval=approval.strip(),
                date=date,
                recorded_by=actor,
            )
            changed.append(kind)
    return changed


@dataclass
class HouseholdShares:
    """A household's holdings: its members who are confirmed members of a collective, each with
    their shares, and the totals by kind."""

    members: list[tuple[CollectiveMember, str, Decimal]] = field(default_factory=list)  # (member, name, shares)
    by_kind: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.by_kind.values(), Decimal("0.00"))

    def rows(self) -> list[tuple[str, Decimal]]:
        return [(str(label), self.by_kind[v]) for v, label in ShareKind.choices if v in self.by_kind]


def household_shares(household) -> HouseholdShares:
    """The household's shares = its registry members' shares (confirmed members only)."""
    hashes = Member.objects.filter(household=household).exclude(id_hash="").values("id_hash")
    person = Member.objects.filter(id_hash=OuterRef("id_hash")).values("name")[:1]
    members = (
        CollectiveMember.objects.filter(id_hash__in=hashes, state=MemberState.CONFIRMED)
        .select_related("organisation")
        .annotate(person_name=Subquery(person), held=Sum("holdings__shares"))
        .order_by("id")
    )
    out = HouseholdShares()
    for m in members:
        out.members.append((m, m.person_name or "", Decimal(m.held or 0).quantize(FEN)))
    for r in (
        ShareHolding.objects.filter(member__in=[m for m, _, _ in out.members])
        .values("kind")
        .annotate(t=Sum("shares"))
        .order_by()
    ):
        out.by_kind[r["kind"]] = Decimal(r["t"]).quantize(FEN)  # SQLite sums lose the places
    return out


def households_shares(organisation) -> list[tuple[str, int, Decimal]]:
    """按户汇总 of an organisation: (household number, members, shares) per registry household of
    its confirmed members, in one grouped query over the registry link."""
    household = Member.objects.filter(id_hash=OuterRef("member__id_hash")).values("household__number")[:1]
    rows = (
        ShareHolding.objects.filter(member__organisation=organisation, member__state=MemberState.CONFIRMED)
        .annotate(number=Subquery(household))
        .values("number", "member_id", "shares")
    )
    per: dict[str, tuple[set, Decimal]] = {}
    for r in rows:
        members, total = per.get(r["number"] or "", (set(), Decimal("0")))
        members.add(r["member_id"])
        per[r["number"] or ""] = (members, total + Decimal(r["shares"]).quantize(FEN))
    return [(number or "（农户信息已注销）", len(m), t) for number, (m, t) in sorted(per.items())]
