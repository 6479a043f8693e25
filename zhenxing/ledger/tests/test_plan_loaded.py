"""The plan's ten sections, 23 numbered tasks and four mechanisms are the 2022 ledger."""

from __future__ import annotations

from zhenxing.ledger.models import Assignment, Task, TaskKind


def test_the_23_tasks_are_loaded_with_the_plans_numbering_and_titles(ledger):
    tasks = list(Task.objects.filter(ledger=ledger, kind=TaskKind.TASK).order_by("number"))
    assert [t.number for t in tasks] == list(range(1, 24))
    titles = {t.number: t.title for t in tasks}
    assert titles[1] == "实施动态监测"
    assert titles[6] == "持续巩固饮水安全保障成果"
    assert titles[8] == "壮大新型农村集体经济"
    assert titles[16] == "积极推广应用积分制、清单制等创新经验"
    assert titles[23] == "抓好宣传引导"


def test_tasks_sit_in_the_plans_ten_sections(ledger):
    assert [s["number"] for s in ledger.sections] == list(range(1, 11))
    assert ledger.section_title(3) == "持续巩固医疗、饮水和住房保障成果"
    sections = dict(Task.objects.filter(ledger=ledger, kind=TaskKind.TASK).values_list("number", "section"))
    assert [sections[n] for n in (1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 23)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        5,
        6,
        6,
        7,
        7,
        8,
        8,
        9,
        9,
        10,
        10,
    ]


def test_the_four_mechanisms_are_loaded(ledger):
    mechanisms = Task.objects.filter(ledger=ledger, kind=TaskKind.MECHANISM).order_by("number")
    assert [(m.number, m.title, m.label) for m in mechanisms] == [
        (1, "建立健全领导责任体系", "（一）"),
        (2, "建立健全工作推进体系", "（二）"),
        (3, "建立健全考核评价体系", "（三）"),
        (4, "建立健全督导问责体系", "（四）"),
    ]


def test_measures_are_split_into_checklist_items(ledger):
    t8 = Task.objects.get(ledger=ledger, kind=TaskKind.TASK, number=8)
    items = [c.text for c in t8.checklist.all()]
    assert len(items) == 4  # the plan separates them with semicolons
    assert items[0].startswith("持续做好农村集体产权制度改革") and items[-1].endswith("鼓励农村集体进行股权分红。")
    assert all(Task.objects.get(pk=t.pk).checklist.exists() for t in Task.objects.filter(ledger=ledger))


def test_suggested_units_and_one_assignment_per_county(ledger, w):
    t6 = Task.objects.get(ledger=ledger, kind=TaskKind.TASK, number=6)
    assert t6.lead_unit.name == "水务局" and t6.lead_unit.department == "water"
    assert not t6.units_confirmed
    assert set(Assignment.objects.filter(task=t6).values_list("region__name", flat=True)) == {
        "漠河市",
        "呼玛县",
        "塔河县",
        "加格达奇区",
    }
    assert Assignment.objects.filter(task__ledger=ledger).count() == 27 * 4
