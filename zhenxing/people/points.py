"""积分制: the points workflow, in one module.

A group leader proposes points for a household (entered by a village cadre with the leader's
name) → the village committee confirms → the confirmed points are posted in the village →
after the county's posting days they are credited to the household's balance. Nothing is
credited without confirmation and posting. The balance carries over from year to year and
never goes below zero: a redemption needs the full price in balance (checked under row locks
and by the database's CHECK constraint), and a deduction larger than the balance takes the
balance to zero (the entry records what was actually applied).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.audit import services as audit
from zhenxing.audit.context import acting
from zhenxing.registry.models import Household

from . import workflow
from .models import PointAccount, PointEntry, PointRule, Redemption, StoreItem

TRANSITIONS = workflow.POINT_TRANSITIONS  # the flow is data (workflow.py)


def actions_for(user, entry: PointEntry) -> list[workflow.PointTransition]:
    return workflow.POINTS.available(entry, user)


def entry_propose(
    *, actor, household: Household, rule: PointRule, date: dt.date, proposer_name: str, note: str = ""
) -> PointEntry:
    scope.require_write(actor, household, "people.points.committee")
    errors = {}
    if rule.village_id != household.village_id:
        errors["rule"] = ["须使用农户所在村的积分规则"]
    if not rule.active:
        errors["rule"] = ["该积分规则已停用"]
    if not proposer_name.strip():
        errors["proposer_name"] = ["请填写提议的村民小组长"]
    if date > timezone.localdate():
        errors["date"] = ["事项日期不能晚于今天"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        PointAccount.objects.get_or_create(household=household)
        return PointEntry.objects.create(
            household=household,
            rule=rule,
            points=rule.points,
            date=date,
            proposer_name=proposer_name.strip(),
            note=note,
            entered_by=actor,
        )


def entry_transition(
    *,
    actor,
    entry: PointEntry,
    action: str,
    version: int | None = None,
    today: dt.date | None = None,
    reason: str = "",
    request=None,
) -> PointEntry:
    """Apply one transition; ``version`` (as shown to the user) guards against two people acting at once."""
    workflow.POINTS.apply(
        actor=actor,
        obj=entry,
        code=action,
        reason=reason,
        version=version,
        today=today or timezone.localdate(),
        request=request,
    )
    return entry


def redeem(
    *, actor, household: Household, item: StoreItem, quantity: int = 1, date: dt.date | None = None, request=None
) -> Redemption:
    """Spend points in the village store. Row locks on the item and the account serialise
    concurrent redemptions; the CHECK constraints (stock ≥ 0, balance ≥ 0) are the last guard."""
    scope.require_write(actor, household, "people.points.store")
    if quantity < 1:
        raise ValidationError({"quantity": ["数量至少为1"]})
    with transaction.atomic(), acting(actor):
        # Lock order everywhere: item, then account.
        item = StoreItem.objects.select_for_update().get(pk=item.pk)
        if item.village_id != household.village_id:
            raise ValidationError({"item": ["只能兑换本村积分超市的商品"]})
        if not item.active:
            raise ValidationError({"item": ["该商品已下架"]})
        if item.stock < quantity:
            raise ValidationError({"quantity": [f"库存不足（剩余{item.stock}）"]})
        cost = item.price * quantity
        account = PointAccount.objects.select_for_update().filter(household=household).first()
        if account is None or account.balance < cost:
            raise ValidationError(
                {"quantity": [f"积分余额不足（需{cost}分，余额{account.balance if account else 0}分）"]}
            )
        StoreItem.objects.filter(pk=item.pk).update(stock=F("stock") - quantity)
        PointAccount.objects.filter(pk=account.pk).update(balance=F("balance") - cost, spent=F("spent") + cost)
        redemption = Redemption.objects.create(
            household=household, item=item, quantity=quantity, points=cost, date=date or timezone.localdate(), by=actor
        )
        audit.event_log(
            action="people.redeem",
            actor=actor,
            request=request,
            obj=redemption,
            extra={"item": item.name, "quantity": quantity, "points": cost},
        )
    return redemption


def restock(*, actor, item: StoreItem, add: int) -> StoreItem:
    scope.require_write(actor, item, "people.points.store")
    if add == 0:
        raise ValidationError({"add": ["请填写入库或出库数量"]})
    with transaction.atomic(), acting(actor):
        locked = StoreItem.objects.select_for_update().get(pk=item.pk)
        if locked.stock + add < 0:
            raise ValidationError({"add": [f"出库数量超过库存（现有{locked.stock}）"]})
        locked.stock += add
        locked.save(update_fields=["stock"])
    return locked
