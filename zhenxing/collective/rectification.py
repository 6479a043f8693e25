"""The ledger tells the collective when a rectification item it opened is closed or reopened
(the ``rectification`` provider of lib/modules), inside the ledger's transaction: the contract
problem the item came from (``source_ref`` ``collective.problem:<id>``) is marked rectified on the
closing date, or open again after a failed 回头看."""

from __future__ import annotations

from .books import PROBLEM_REF
from .models import ContractProblem


def _problem(item) -> ContractProblem | None:
    ref = item.source_ref or ""
    if not ref.startswith(PROBLEM_REF):
        return None
    pk = ref[len(PROBLEM_REF) :]
    return ContractProblem.objects.select_for_update().filter(pk=pk).first() if pk.isdigit() else None


def item_closed(*, actor, item, on) -> None:
    problem = _problem(item)
    if problem is not None and problem.rectified_on is None:
        problem.rectified_on = on
        problem.save(update_fields=["rectified_on"])


def item_reopened(*, actor, item) -> None:
    problem = _problem(item)
    if problem is None or problem.rectified_on is None:
        return
    # a problem of the same kind recorded since stays the open one
    if not problem.contract.problems.filter(kind=problem.kind, rectified_on__isnull=True).exists():
        problem.rectified_on = None
        problem.save(update_fields=["rectified_on"])
