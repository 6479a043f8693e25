"""Valid input for each transition, so tests can vary one thing at a time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhenxing.monitoring import rules, workflow
from zhenxing.monitoring.testing import help_case, income_history, measures_done


def prepare(case, t, village_actor) -> dict:
    """Make the case ready for ``t`` (measures, visits) and return valid data for it."""
    today = timezone.localdate()
    standard = rules.standard_for(today.year)
    day = min(case.step_since + dt.timedelta(days=1), today)
    data = {"date": day}
    if t.name == "verify":
        data.update(
            kind="100A03002",
            risk_types=case.risk_types or ["07"],
            authorisation_signed=True,
            income_12m="9000",
            spending_12m="1000",
            coping="partly",
        )
    elif t.name in {"appraise", "elim_appraise"}:
        data.update(posting_start=day)
    elif t.name in {"finish_posting", "elim_finish_posting"}:
        data.update(date=case.posting_start + dt.timedelta(days=standard.posting_days), objections="无异议")
    elif t.name in {"county_approve", "elim_county_approve"}:
        help_case(case, actor=village_actor)
    elif t.name == "propose_elimination":
        help_case(case, actor=village_actor)
        measures_done(case, actor=village_actor)
        data["date"] = today
        income_history(case, actor=village_actor, upto=today, threshold=standard.threshold)
        data.update(elimination_way="assisted", resolved_risks=case.risk_types, accept_warnings=True)
    if t.name in {"elim_county_approve"}:
        data["date"] = today
    if "reason" in t.required:
        data["reason"] = "测试意见"
    case.refresh_from_db()
    return data


def source_state_path(t) -> str:
    return t.source


LEVEL_PEOPLE = {workflow.VILLAGE: "fendou", workflow.TOWNSHIP: "shibazhan", workflow.COUNTY: "tahe"}
# Same level, another region: must be refused as well.
OTHER_REGION = {workflow.VILLAGE: "yongfeng", workflow.TOWNSHIP: "kaikukang_town", workflow.COUNTY: "huma"}
