"""工作台账 and the 四个体系: key-task ledger, rectification ledgers, county assessment, inspection
and accountability, and the in-app notice centre.

State machines (which status may follow which, who may act, what is checked) live in
``workflow.py``; writes in ``services.py``; reads in ``selectors.py``.

One module per section; every model is imported here (Django finds them through the package)
and the names stay importable from ``models`` as before.
"""

from __future__ import annotations

from .accountability import (
    DecisionOutcome,
    EscalationDecision,
    EscalationRule,
    Inspection,
    InspectionFollowUp,
    InspectionKind,
)
from .assessment import AssessmentIndicator, AssessmentResult, AssessmentScheme, AssessmentScore, SchemeStatus, Scoring
from .notices import Notice
from .rectification import OPEN_ITEM_STATUSES, ItemEvent, ItemStatus, RectificationItem, RectificationType, SourceKind
from .tasks import (
    CN_NUMERALS,
    OPEN_TASK_STATUSES,
    RHYTHM_MONTHS,
    Assignment,
    AssignmentEvent,
    ChecklistEvidence,
    ChecklistItem,
    Ledger,
    Milestone,
    ProgressReport,
    Rhythm,
    Task,
    TaskKind,
    TaskStatus,
    cn_number,
)
from .units import Unit, UnitKind, UnitMember

__all__ = [
    "AssessmentIndicator",
    "AssessmentResult",
    "AssessmentScheme",
    "AssessmentScore",
    "Assignment",
    "AssignmentEvent",
    "CN_NUMERALS",
    "ChecklistEvidence",
    "ChecklistItem",
    "DecisionOutcome",
    "EscalationDecision",
    "EscalationRule",
    "Inspection",
    "InspectionFollowUp",
    "InspectionKind",
    "ItemEvent",
    "ItemStatus",
    "Ledger",
    "Milestone",
    "Notice",
    "OPEN_ITEM_STATUSES",
    "OPEN_TASK_STATUSES",
    "ProgressReport",
    "RHYTHM_MONTHS",
    "RectificationItem",
    "RectificationType",
    "Rhythm",
    "SchemeStatus",
    "Scoring",
    "SourceKind",
    "Task",
    "TaskKind",
    "TaskStatus",
    "Unit",
    "UnitKind",
    "UnitMember",
    "cn_number",
]
