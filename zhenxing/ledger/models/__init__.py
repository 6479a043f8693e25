"""工作台账 and the 四个体系: key-task ledger, rectification ledgers, county assessment, inspection
and accountability, and the in-app notice centre.

State machines (which status may follow which, who may act, what is checked) live in
``workflow.py``; writes in ``services.py``; reads in ``selectors.py``.

One module per section; every model is imported here (Django finds them through the package)
and the names stay importable from ``models`` as before.
"""
from __future__ import annotations

from .units import UnitKind, Unit, UnitMember
from .tasks import (Rhythm, RHYTHM_MONTHS, Ledger, TaskKind, CN_NUMERALS, cn_number, Task, ChecklistItem, Milestone,
                    TaskStatus, OPEN_TASK_STATUSES, Assignment, ProgressReport, ChecklistEvidence, AssignmentEvent)
from .rectification import RectificationType, SourceKind, ItemStatus, OPEN_ITEM_STATUSES, RectificationItem, ItemEvent
from .accountability import InspectionKind, Inspection, EscalationRule, DecisionOutcome, EscalationDecision
from .assessment import SchemeStatus, AssessmentScheme, Scoring, AssessmentIndicator, AssessmentResult, AssessmentScore
from .notices import Notice

__all__ = [
    "AssessmentIndicator", "AssessmentResult", "AssessmentScheme", "AssessmentScore", "Assignment", "AssignmentEvent",
    "CN_NUMERALS", "ChecklistEvidence", "ChecklistItem", "DecisionOutcome", "EscalationDecision", "EscalationRule",
    "Inspection", "InspectionKind", "ItemEvent", "ItemStatus", "Ledger", "Milestone", "Notice", "OPEN_ITEM_STATUSES",
    "OPEN_TASK_STATUSES", "ProgressReport", "RHYTHM_MONTHS", "RectificationItem", "RectificationType", "Rhythm",
    "SchemeStatus", "Scoring", "SourceKind", "Task", "TaskKind", "TaskStatus", "Unit", "UnitKind", "UnitMember",
    "cn_number",
]
