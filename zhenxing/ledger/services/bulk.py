"""Many rectification items in one action (选中多条): a township or county assigns the selected
items to a responsible unit (交办) or reminds their handlers (催办). Each item is checked and
written on its own, with one audit entry; one refused — another region, closed, not the actor's
to handle — is listed with its reason and the others go on (not all-or-nothing)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhenxing import workflow as engine
from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.workflow.engine import BULK_MAX

from .. import workflow
from ..models import ItemStatus, RectificationItem, Unit
from .notices import notice_send

ACTIONS = {"assign": "交办责任单位", "remind": "催办"}


def _assign_one(*, actor, item: RectificationItem, unit: Unit, person: str) -> None:
    if not (workflow.is_handler(actor, item) or workflow.is_checker(actor, item)):
        raise ValidationError("您无权交办该事项")
    if item.status == ItemStatus.CLOSED:
        raise ValidationError("事项已销号")
    with transaction.atomic(), acting(actor):
        item.responsible_unit = unit
        if person:
            item.responsible_person = person
        item.version += 1
        item.save()  # one audit entry ("修改") per item, written by the audit signals
    members = [m.user for m in unit.members.select_related("user")]
    notice_send(  # the unit's accounts, else the staff of the item's region
        title=f"整改事项交办：{item.type.name}",
        body=f"{item.region.display_name}：{item.problem[:80]}",
        url=reverse("ledger:item", args=[item.pk]),
        recipients=members or None,
        region=None if members else item.region,
        kind="item_assigned",
    )


def items_bulk(
    *, actor, items, action: str, unit: Unit | None = None, person: str = "", note: str = "", refused=None
) -> dict:
    """``action``: "assign" (交办: the responsible unit, and person when given) or "remind" (催办: a
    notice to the item's region staff and one audit entry per item, ``note`` the request).
    ``refused``: ids already refused (out of scope), listed with the rest. Returns
    ``{"done": [ids], "refused": {id: message}}``."""
    if actor is None:
        raise PermissionDenied("只有乡镇、县级工作人员和地区管理员可以批量办理整改事项")
    scope.require_write(actor, None, "ledger.item.bulk")
    if action not in ACTIONS:
        raise ValidationError("请选择批量操作")
    items = list(items)
    refused = dict(refused or {})
    if not items and not refused:
        raise ValidationError("请选择要办理的整改事项")
    if len(items) > BULK_MAX:
        raise ValidationError(f"一次最多办理 {BULK_MAX} 条")
    note, person = (note or "").strip(), (person or "").strip()
    if action == "assign":
        if unit is None or not scope.choices(actor, Unit).filter(pk=unit.pk).exists():
            raise ValidationError("请选择权限范围内的责任单位")
        done = []
        for item in items:
            try:
                _assign_one(actor=actor, item=item, unit=unit, person=person)
            except (ValidationError, PermissionDenied) as exc:
                refused[item.pk] = engine.refusal_text(exc)
            else:
                done.append(item.pk)
        return {"done": done, "refused": refused}
    if not note:
        raise ValidationError("请填写催办要求")
    open_items = [i for i in items if i.status != ItemStatus.CLOSED]
    refused.update({i.pk: "事项已销号，无需催办" for i in items if i.status == ItemStatus.CLOSED})
    result = (
        engine.record_bulk(actor=actor, records=open_items, code="remind", label="催办", reason=note)
        if open_items
        else {"done": [], "refused": {}}
    )
    today = timezone.localdate()
    for item in open_items:
        if item.pk in result["done"]:
            notice_send(
                title=f"催办：{item.type.name}（{item.deadline:%m月%d日}到期）" if item.deadline else "催办整改事项",
                body=f"{note}\n{item.region.display_name}：{item.problem[:80]}",
                url=reverse("ledger:item", args=[item.pk]),
                region=item.region,
                kind="item_remind",
                key=f"item-remind:{item.pk}:{today:%Y%m%d}",
            )
    return {"done": result["done"], "refused": {**refused, **result["refused"]}}
