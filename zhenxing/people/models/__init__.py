"""Village ledgers of employment help, social help, resident cadres and governance (issue 8).

Sections: county settings · employment (公益岗位, 帮扶车间, 劳务输出) · social help (百企兴百村) ·
resident cadres (驻村工作队) · points system (积分制) · list system (清单制).
People come from the registry (``registry.Member`` / ``registry.Household``); this module never
writes registry tables (see ``services.labour_wage_apply``).

One module per section; every model is imported here (Django finds them through the package)
and the names stay importable from ``models`` as before.
"""

from __future__ import annotations

from .base import MONEY
from .cadres import AssessmentResult, Cadre, CadreAssessment, CadreHousehold, CadrePosition, Training, WorkLog, WorkTeam
from .county import CountySetting
from .employment import Funding, LabourExport, PostHolding, PostKind, PostPay, PublicPost, Workshop, WorkshopWorker
from .lists import CaseState, CaseStep, Power, PowerCase, PowerCategory, PowerStep
from .pairing import Delivery, DeliveryKind, Pairing, PartnerKind
from .points import EntryState, PointAccount, PointCategory, PointEntry, PointRule, Redemption, StoreItem

__all__ = [
    "AssessmentResult",
    "Cadre",
    "CadreAssessment",
    "CadreHousehold",
    "CadrePosition",
    "CaseState",
    "CaseStep",
    "CountySetting",
    "Delivery",
    "DeliveryKind",
    "EntryState",
    "Funding",
    "LabourExport",
    "MONEY",
    "Pairing",
    "PartnerKind",
    "PointAccount",
    "PointCategory",
    "PointEntry",
    "PointRule",
    "PostHolding",
    "PostKind",
    "PostPay",
    "Power",
    "PowerCase",
    "PowerCategory",
    "PowerStep",
    "PublicPost",
    "Redemption",
    "StoreItem",
    "Training",
    "WorkLog",
    "WorkTeam",
    "Workshop",
    "WorkshopWorker",
]
