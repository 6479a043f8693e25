"""Seed data the prefecture starts from and may edit: the escalation ladder and the built-in
rectification ledger types. Used by the data migration and by ``services.types_ensure``."""

from __future__ import annotations

# order, code, name, min overdue days, min failed verifications, description
ESCALATION_RULES = [
    (1, "admonition", "约谈提醒", 1, 2, "逾期未整改，或核验两次未通过"),
    (2, "listed", "挂牌督办", 30, 3, "约谈后逾期满30天，或核验三次未通过"),
    (3, "criticism", "通报批评", 60, 4, "挂牌督办后逾期满60天，或核验四次未通过"),
    (4, "liability", "责任追究", 90, 5, "通报批评后逾期满90天，或核验五次未通过"),
]

# code, name, plan task number, department, re-check (回头看) required, default days to fix
RECTIFICATION_TYPES = [
    ("housing", "住房安全排查整改", 7, "housing", False, 60),
    ("water", "饮水安全排查整改", 6, "water", False, 30),
    ("toilet", "问题厕所排查整改", 12, "", True, 90),
    ("schooling", "义务教育保障排查整改", 17, "education", False, 30),
    ("insurance", "基本医保参保排查整改", 5, "medical_insurance", False, 30),
    ("assessment", "国家和省考核评估反馈问题整改", 22, "", False, 60),
    ("inspection", "督导检查发现问题整改", None, "", False, 30),
    ("environment", "农村人居环境问题整改", 13, "", False, 30),
    # 清化收: problems found on reviewing a village collective's contracts (the collective app)
    ("collective", "农村集体三资清化收问题整改", 8, "agriculture", False, 60),
]

# The household flag (registry.Household) a closed item of the type secures again: closing a
# household's item sets it; closing a village's water item sets it for the village's households.
TYPE_FLAGS = {
    "housing": "housing_safe",
    "water": "water_safe",
    "schooling": "schooling_secured",
    "insurance": "medical_insured",
}
