"""Funds pages: micro-loans (小额信贷)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.audit.exports import export_response
from zhenxing.lib.forms import service_errors_to_form
from zhenxing.lib.xlsx import dated_title
from zhenxing.registry.models import Household

from .. import selectors, services
from ..forms import MicroLoanForm, RepaymentForm
from ..models import MicroLoan


@staff_view()
def loan_list(request):
    """?region=<code> (a node's subtree in scope), ?current=1 (在贷或本年结清), ?overdue=1."""
    region = scope.region_param(request)
    qs = (
        scope.within(scope.scoped(request.user, MicroLoan), region)
        .select_related("household__village")
        .order_by("-issued_on")
    )
    today = timezone.localdate()
    current = request.GET.get("current") == "1"
    if current:
        qs = selectors.loans_current(qs, today)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        qs = qs.filter(settled_on__isnull=True, due_on__lt=today)
    if request.GET.get("export") == "xlsx":
        node = region or request.user.region
        return export_response(
            request,
            filename="小额信贷.xlsx",
            title=dated_title(node, "脱贫人口小额信贷台账"),
            audit_extra={"kind": "loans", "region": getattr(node, "code", "")},
            columns=[
                "户编号",
                "村",
                "借款人",
                "贷款银行",
                "合同编号",
                "贷款金额",
                "放款日期",
                "期限（月）",
                "到期日",
                "贴息",
                "已还本金",
                "是否逾期",
            ],
            rows=(
                [
                    m.household.number,
                    m.household.village.name,
                    m.borrower_name,
                    m.bank,
                    m.contract_number,
                    float(m.amount),
                    str(m.issued_on),
                    m.term_months,
                    str(m.due_on),
                    float(m.interest_subsidy),
                    float(m.repaid),
                    "是" if m.is_overdue(today) else "否",
                ]
                for m in qs
            ),
        )
    return render(
        request,
        "funds/loan_list.html",
        {
            "loans": qs[:500],
            "today": today,
            "overdue": overdue,
            "current": current,
            "region_filter": region,
            "can_add": scope.can_write(request.user, None, "funds.loan.write"),
        },
    )


@staff_view(write="funds.loan.write")
def loan_new(request):
    """登记小额信贷: the household is picked by 户编号 within the user's scope."""
    form = MicroLoanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        number = d.pop("household_number").strip()
        household = scope.scoped(request.user, Household).filter(number=number).first()
        if household is None:
            form.add_error("household_number", f"户编号 {number} 不在农户库或不在您的数据权限范围内")
        else:
            try:
                loan = services.micro_loan_create(actor=request.user, household=household, **d)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"贷款 {loan.contract_number} 已登记")
                return redirect("funds:loan", pk=loan.pk)
    return render(request, "funds/loan_form.html", {"form": form})


@staff_view(model=MicroLoan)
def loan_detail(request, loan):
    """A loan and its repayment (登记还款 by county, township or village staff)."""
    can_repay = scope.can_write(request.user, loan, "funds.loan.write") and loan.settled_on is None
    form = RepaymentForm(request.POST or None) if can_repay else None
    if request.method == "POST":
        scope.require_write(request.user, loan, "funds.loan.write")
        if form is None:
            messages.error(request, "该贷款已结清")
            return redirect("funds:loan", pk=loan.pk)
        if form.is_valid():
            try:
                services.micro_loan_repay(actor=request.user, loan=loan, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_to_form(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "还款已登记")
                return redirect("funds:loan", pk=loan.pk)
    today = timezone.localdate()
    return render(
        request,
        "funds/loan_detail.html",
        {
            "m": loan,
            "form": form,
            "today": today,
            "balance": loan.amount - loan.repaid,
            "overdue": loan.is_overdue(today),
        },
    )
