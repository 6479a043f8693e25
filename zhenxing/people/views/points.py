"""Village ledger pages: points system (积分制)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.registry.models import Household

from .. import forms as f
from .. import models as m
from .. import points, selectors, services
from ..pages import Cell, Section, render_page, wants_xlsx, xlsx_response
from .base import _bind, _edit, _refuse_read_only, _run, _today, _village_choice, can_write


@staff_view(model=m.PointRule)
def rule_edit(request, rule):
    return _edit(
        request,
        rule,
        f.RuleEditForm,
        title=f"修改积分规则：{rule.name}",
        back=f"{reverse('people:points')}?village={rule.village.code}",
    )


@staff_view(model=m.StoreItem)
def item_edit(request, item):
    return _edit(
        request, item, f.StoreItemEditForm, title=f"修改商品：{item.name}", back=reverse("people:item", args=[item.pk])
    )


@staff_view(page="people.points")
def points_home(request):
    _refuse_read_only(request)
    user, today = request.user, _today()
    village, filters = _village_choice(request)
    if village is None:
        return render_page(request, title="积分制", sections=[Section("积分制", [], empty="您的范围内没有村。")])
    url = f"{reverse('people:points')}?village={village.code}"
    committee = can_write(user, "people.points.committee")
    rform = _bind(request, "rule", f.RuleForm, user=user) if committee else None
    iform = _bind(request, "item", f.StoreItemForm, user=user) if committee else None
    pform = _bind(request, "propose", f.ProposeForm, user=user, village=village) if committee else None

    def add_with_village(form):
        def go(d):
            x = form.save(commit=False)
            x.village = village
            services.ledger_save(actor=user, instance=x, action="people.points.committee")

        return go

    if (
        _run(request, rform, add_with_village(rform), "已添加积分规则")
        or _run(request, iform, add_with_village(iform), "已上架商品")
        or _run(request, pform, lambda d: points.entry_propose(actor=user, **d), "已提交积分申报，待村委会确认")
    ):
        return redirect(url)
    entries = (
        scope.scoped(user, m.PointEntry)
        .filter(household__village=village)
        .exclude(state__in=[m.EntryState.CREDITED, m.EntryState.REJECTED])
        .select_related("household", "rule")
    )
    pending_rows = []
    for e in entries:
        acts = [
            Cell(
                t.label,
                post=reverse("people:entry", args=[e.pk]),
                fields={"action": t.action, "version": e.version},
                input="reason" if t.action == "reject" else "",
                placeholder="原因",
            )
            for t in points.actions_for(user, e)
        ]
        pending_rows.append(
            [
                Cell(e.household.number, url=reverse("people:household_points", args=[e.household_id])),
                e.household.head_name,
                e.rule.name,
                f"{e.points:+d}",
                e.date,
                e.proposer_name,
                e.get_state_display(),
                e.posted_on,
                acts or "—",
            ]
        )
    rank = selectors.ranking(scope.scoped(user, m.PointAccount), scope.scoped(user, m.PointEntry), village, today.year)
    rules = scope.scoped(user, m.PointRule).filter(village=village, active=True)
    items = scope.scoped(user, m.StoreItem).filter(village=village)
    sections = [
        Section(
            "待办积分申报",
            ["户编号", "户主", "事项", "分值", "事项日期", "提议人", "状态", "公示日期", "操作"],
            pending_rows,
            form=pform,
            form_key="propose",
            form_title="小组长提议积分",
            note="流程：村民小组长提议 → 村委会确认 → 张榜公示 → 公示期满无异议入账。",
        ),
        Section(
            f"{today.year}年积分排名",
            ["名次", "户编号", "户主", "本年入账", "积分余额"],
            [
                [
                    r["rank"],
                    Cell(r["household"].number, url=reverse("people:household_points", args=[r["household"].pk])),
                    r["household"].head_name,
                    r["year_points"],
                    r["balance"],
                ]
                for r in rank
            ],
        ),
        Section(
            "积分超市",
            ["商品", "兑换积分", "库存", "上架"],
            [[Cell(i.name, url=reverse("people:item", args=[i.pk])), i.price, i.stock, i.active] for i in items],
            form=iform,
            form_key="item",
            form_title="上架商品",
        ),
        Section(
            "积分规则",
            ["类别", "事项", "分值"],
            [
                [
                    r.get_category_display(),
                    Cell(r.name, url=reverse("people:rule_edit", args=[r.pk])) if committee else r.name,
                    f"{r.points:+d}",
                ]
                for r in rules
            ],
            form=rform,
            form_key="rule",
            form_title="添加积分规则",
        ),
    ]
    if wants_xlsx(request):
        return xlsx_response(request, title=f"{village.display_name}积分制", sections=sections[1:], filename="积分制")
    return render_page(
        request,
        title=f"积分制：{village.display_name}",
        subtitle=village.full_name(),
        filters=filters,
        sections=sections,
        export=True,
        crumbs=[("就业帮扶与乡村治理", reverse("people:home"))],
    )


@staff_view(model=m.PointEntry)
def entry_detail(request, entry):
    _refuse_read_only(request)
    back = f"{reverse('people:points')}?village={entry.household.village.code}"
    if request.method == "POST":
        try:
            version = int(request.POST.get("version") or 0)
        except ValueError:
            version = 0
        try:
            points.entry_transition(
                actor=request.user,
                entry=entry,
                action=request.POST.get("action", ""),
                version=version,
                reason=request.POST.get("reason", ""),
                request=request,
            )
            messages.success(request, "已办理")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(back)
    return render_page(
        request,
        title=f"积分申报：{entry.household}",
        subtitle=entry.household.village.full_name(),
        facts=[
            ("事项", entry.rule.name),
            ("分值", f"{entry.points:+d}"),
            ("事项日期", entry.date),
            ("提议人", entry.proposer_name),
            ("录入人", str(entry.entered_by or "—")),
            ("状态", entry.get_state_display()),
            ("确认人", str(entry.confirmed_by or "—")),
            ("确认时间", entry.confirmed_at),
            ("公示日期", entry.posted_on),
            ("入账时间", entry.credited_at),
            ("实际入账", entry.applied),
            ("未通过原因", entry.rejected_reason or "—"),
        ],
        crumbs=[("积分制", back)],
    )


@staff_view(model=Household)
def household_points(request, household):
    _refuse_read_only(request)
    user = request.user
    committee = can_write(user, "people.points.committee")
    form = _bind(request, "redeem", f.RedeemForm, user=user, village=household.village) if committee else None
    if _run(
        request,
        form,
        lambda d: points.redeem(
            actor=user, household=household, item=d["item"], quantity=d["quantity"], request=request
        ),
        "已兑换",
    ):
        return redirect("people:household_points", household.pk)
    account = scope.scoped(user, m.PointAccount).filter(household=household).first()
    history = selectors.household_history(user, household)
    return render_page(
        request,
        title=f"积分明细：{household}",
        subtitle=household.village.full_name(),
        facts=[
            ("积分余额", str(account.balance if account else 0)),
            ("累计入账", str(account.earned if account else 0)),
            ("累计兑换", str(account.spent if account else 0)),
        ],
        sections=[
            Section(
                "积分记录",
                ["日期", "事项", "分值", "状态"],
                [
                    [
                        r["date"],
                        Cell(r["what"], url=reverse("people:entry", args=[r["obj"].pk]))
                        if r["kind"] == "entry"
                        else r["what"],
                        f"{r['points']:+d}" if r["points"] is not None else "—",
                        r["state"],
                    ]
                    for r in history
                ],
                form=form,
                form_key="redeem",
                form_title="积分超市兑换",
            )
        ],
        crumbs=[("积分制", f"{reverse('people:points')}?village={household.village.code}")],
    )


@staff_view(model=m.StoreItem)
def item_detail(request, item):
    _refuse_read_only(request)
    user = request.user
    form = _bind(request, "restock", f.RestockForm) if can_write(user, "people.points.committee") else None
    if _run(request, form, lambda d: points.restock(actor=user, item=item, add=d["add"]), "已更新库存"):
        return redirect("people:item", item.pk)
    reds = item.redemptions.select_related("household").order_by("-date", "-id")[:200]
    return render_page(
        request,
        title=f"积分超市：{item.name}",
        subtitle=item.village.full_name(),
        links=[("修改", reverse("people:item_edit", args=[item.pk]))] if form is not None else [],
        facts=[("兑换积分", str(item.price)), ("库存", str(item.stock)), ("上架", item.active)],
        sections=[
            Section(
                "兑换记录",
                ["日期", "户编号", "户主", "数量", "消耗积分"],
                [[r.date, r.household.number, r.household.head_name, r.quantity, r.points] for r in reds],
                form=form,
                form_key="restock",
                form_title="入库或出库",
            )
        ],
        crumbs=[("积分制", f"{reverse('people:points')}?village={item.village.code}")],
    )
