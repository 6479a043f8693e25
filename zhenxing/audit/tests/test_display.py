"""The audit log in words: field names, choice labels, dates, transitions and events in Chinese."""

from __future__ import annotations

import re

from zhenxing.audit import display
from zhenxing.audit.models import AuditEntry
from zhenxing.registry.testing import make_household

ENGLISH = re.compile(r"\{'|\['|\bobject \(|snapshot|\bNone\b|\bTrue\b|\bFalse\b|registry\.|monitoring\.")


def _lines(entry) -> list[str]:
    return [str(line) for line in display.describe([entry])[0].lines]


def test_an_update_shows_field_names_and_values_in_words(w):
    household = make_household(village=w.r.fendou)
    household.housing_safe = False
    household.save()
    entry = AuditEntry.objects.filter(model="registry.household", action="update").latest("id")
    shown = display.describe([entry])[0]
    assert shown.action == "修改" and shown.model == "农户"
    assert "住房安全：是 → 否" in [str(line) for line in shown.lines]


def test_a_created_record_names_what_a_foreign_key_points_at(w):
    household = make_household(village=w.r.fendou)
    entry = AuditEntry.objects.filter(model="registry.household", action="create", object_id=str(household.pk)).get()
    lines = _lines(entry)
    assert any(line.startswith("所在村：") and "奋斗村" in line for line in lines), lines
    assert not any(ENGLISH.search(line) for line in lines), lines


def test_a_transition_shows_its_label_and_states_in_words(w):
    entry = AuditEntry.objects.create(
        action="transition",
        model="monitoring.monitoringcase",
        object_id="5",
        object_repr="JC2022",
        extra={"action": "verify", "from": "discovered", "to": "verified", "reason": "", "date": "2022-05-03"},
    )
    lines = _lines(entry)
    assert "操作：登记入户核实" in lines
    assert "当前环节：待入户核实 → 待民主评议" in lines
    assert "办理日期：2022年5月3日" in lines


def test_an_event_without_a_model_and_an_old_english_repr_are_shown_in_chinese(w):
    export = AuditEntry.objects.create(
        action="export", extra={"what": "monitoring.cases", "filters": {"export": "xlsx"}, "reveal_id": False}
    )
    assert _lines(export) == ["内容：监测对象名单", "筛选条件：导出格式：xlsx", "含完整身份证号：否"]
    snapshot = AuditEntry.objects.create(action="snapshot", extra={"date": "2022-05-31", "rows": 10})
    assert display.describe([snapshot])[0].action == "生成指标快照"
    old = AuditEntry.objects.create(
        action="create", model="registry.memberchange", object_id="5989", object_repr="MemberChange object (5989)"
    )
    assert display.object_name(old) == "成员变动（编号 5989）"


def test_the_audit_page_has_no_dict_model_label_or_english_word(login, w):
    household = make_household(village=w.r.fendou)
    household.water_safe = False
    household.save()
    AuditEntry.objects.create(action="snapshot", extra={"date": "2022-05-31", "rows": 10})
    page = login(w.diqu).get("/audit/").content.decode()
    body = page.split('<main class="content">', 1)[1]
    text = re.sub(r"<[^>]+>", " ", body)
    assert "饮水安全：是 → 否" in text and "生成指标快照" in text
    assert not ENGLISH.search(text), ENGLISH.search(text)


def test_the_filter_offers_models_by_their_chinese_names(login, w):
    page = login(w.diqu).get("/audit/").content.decode()
    assert '<option value="registry.household">农户</option>' in page


def test_a_reference_kept_as_app_model_id_is_named():
    assert display.plain("screening.alert:85") == "预警 第85号"
    assert display.plain("monitoring.case:5") == "相关记录 第5号"


def test_personal_phones_are_masked_unless_the_reader_may_read_them_whole(w):
    """Issue 20: a phone in an entry (a field called 联系电话 or phone, or a key of ``extra``) is shown
    through the registry's one mask unless ``phones_full``; a county office's public phone is not a
    personal one. The stored entry is not changed."""
    helper = AuditEntry.objects.create(
        action="update", model="monitoring.helper", object_id="1", before={"phone": "13912345678"}, after={"phone": ""}
    )
    event = AuditEntry.objects.create(action="export", extra={"phone": "04572123456", "rows": 3})
    office = AuditEntry.objects.create(
        action="update",
        model="regions.region",
        object_id="1",
        before={"office_phone": ""},
        after={"office_phone": "0457-12317"},
    )
    masked = display.describe([helper, event, office])
    assert [str(line) for line in masked[0].lines] == ["联系电话：139****5678 → （空）"]
    assert "联系电话：045****3456" in [str(line) for line in masked[1].lines]
    assert "0457-12317" in str(masked[2].lines[0])
    whole = display.describe([helper, event], phones_full=True)
    assert [str(line) for line in whole[0].lines] == ["联系电话：13912345678 → （空）"]
    assert "联系电话：04572123456" in [str(line) for line in whole[1].lines]
    helper.refresh_from_db()
    assert helper.before == {"phone": "13912345678"}
