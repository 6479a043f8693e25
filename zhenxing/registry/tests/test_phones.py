"""A household's phone (issue 20, item 2): the village cadre, who calls the household, reads it in
full; township, county and prefecture staff read it masked like an ID number and may reveal one
(audited ``reveal_phone``); a line department and the inspector read it masked and cannot reveal
it. The same holds on the page, in the API, in the export, in the edit form and wherever the audit
log is shown (the audit page, the household's change log)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zhenxing.accounts.services import api_token_issue
from zhenxing.audit.models import AuditEntry
from zhenxing.registry import services
from zhenxing.registry.models import Household
from zhenxing.registry.testing import make_household, new_id
from zhenxing.screening.models import Alert

PHONE = "13912345678"
MASKED = "139****5678"


@pytest.fixture
def household(w):
    h = make_household(village=w.r.fendou, number="PH-1", phone=PHONE)
    now = timezone.now()  # a 医保 alert, so the department's scope holds the household
    Alert.objects.create(
        rule="medical",
        rule_name="医疗负担过重",
        subject=f"h{h.pk}",
        household=h,
        village=h.village,
        department="medical_insurance",
        raised_at=now,
        updated_at=now,
        evidence={},
    )
    return h


def test_mask_keeps_three_and_four():
    assert services.phone_mask(PHONE) == MASKED
    assert services.phone_mask("0457-1234567") == "045****4567"
    assert services.phone_mask("12345") == "****" and services.phone_mask("") == ""


def test_the_page_shows_the_phone_in_full_only_to_the_village(login, w, household):
    url = reverse("registry:household", args=[household.pk])
    reveal = reverse("registry:phone_reveal", args=[household.pk])
    page = login(w.fendou).get(url).content.decode()
    assert PHONE in page and reveal not in page
    for user, may_reveal in ((w.shibazhan, True), (w.tahe, True), (w.diqu, True), (w.yibao, False), (w.ducha, False)):
        page = login(user).get(url).content.decode()
        assert MASKED in page and PHONE not in page, user.username
        assert (reveal in page) is may_reveal, user.username


def test_revealing_a_phone_is_audited_and_role_limited(login, w, household):
    reveal = reverse("registry:phone_reveal", args=[household.pk])
    response = login(w.shibazhan).post(reveal)
    assert response.status_code == 200 and PHONE in response.content.decode()
    entry = AuditEntry.objects.get(action="reveal_phone")
    assert entry.actor == w.shibazhan and entry.object_id == str(household.pk)
    for user in (w.yibao, w.ducha):
        assert login(user).post(reveal).status_code == 403
    assert login(w.yongfeng).post(reveal).status_code == 404  # another village's cadre
    assert AuditEntry.objects.filter(action="reveal_phone").count() == 1


def test_the_api_masks_the_phone_like_the_page(client, w, household):
    def phone(user):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)[0]}"}
        listed = client.get("/api/v1/households", {"q": "PH-1"}, **auth).json()["items"]
        detail = client.get(f"/api/v1/households/{household.pk}", **auth).json()
        assert [h["phone"] for h in listed] == [detail["phone"]]
        return detail["phone"]

    assert phone(w.fendou) == PHONE
    assert phone(w.shibazhan) == phone(w.yibao) == phone(w.ducha) == MASKED


def test_the_export_masks_the_phone_unless_the_audited_full_export(login, w, household):
    def phones(user, reason=""):
        client = login(user)
        url = reverse("registry:export")
        content = (client.post(url, {"reason": reason}) if reason else client.get(url)).content
        rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        col = rows[1].index("联系电话")
        return {str(r[col]) for r in rows[2:] if r[col]}

    assert phones(w.fendou) == {PHONE}
    assert phones(w.shibazhan) == {MASKED}
    # the export with full IDs (a POST with a reason, audited as reveal_id) carries full phones too
    assert phones(w.shibazhan, reason="核对参保名单") == {PHONE}


def test_the_edit_form_shows_the_masked_phone_and_keeps_it_when_left_alone(login, w, household):
    client = login(w.shibazhan)
    url = reverse("registry:edit", args=[household.pk])
    page = client.get(url).content.decode()
    assert MASKED in page and PHONE not in page
    form = {
        "village": w.r.fendou.pk,
        "address": "新地址",
        "phone": MASKED,
        "housing_safe": "on",
        "schooling_secured": "on",
        "medical_insured": "on",
        "water_safe": "on",
    }
    assert client.post(url, form).status_code == 302
    household = Household.objects.get(pk=household.pk)
    assert household.phone == PHONE and household.address == "新地址"
    assert client.post(url, {**form, "phone": "13800001111"}).status_code == 302
    assert Household.objects.get(pk=household.pk).phone == "13800001111"


def test_the_audit_views_mask_phones_like_the_pages_and_keep_ids_masked(login, w):
    """Issue 20: an edit's audit entry keeps the phone as written (the log is append-only); the audit
    page and the household's change log show it as the reader reads it elsewhere: masked to the
    inspector and the prefecture (who read the audit log), whole to the village cadre. The member's ID
    in the same log stays masked for everyone, as before."""
    number = new_id()
    h = make_household(
        village=w.r.fendou,
        number="PH-2",
        phone=PHONE,
        members=[{"name": "钱振兴", "relation": "head", "id_number": number}],
        actor=w.fendou,
    )
    services.household_update(actor=w.fendou, household=h, phone="13800001111")
    entry = AuditEntry.objects.filter(model="registry.household", action="update", object_id=str(h.pk)).latest("id")
    assert (entry.before["phone"], entry.after["phone"]) == (PHONE, "13800001111")  # stored as written
    masked_line, full_line = "联系电话：139****5678 → 138****1111", "联系电话：13912345678 → 13800001111"
    masked_id = f"{number[:6]}********{number[-4:]}"

    for user in (w.ducha, w.diqu):
        page = login(user).get(reverse("audit:list")).content.decode()
        assert masked_line in page and "联系电话：139****5678" in page, user.username  # the edit and the creation
        assert PHONE not in page and "13800001111" not in page, user.username
        assert masked_id in page and number not in page, user.username

    history = reverse("registry:household", args=[h.pk])
    for user in (w.ducha, w.diqu, w.tahe, w.shibazhan):
        page = login(user).get(history).content.decode()
        assert masked_line in page and PHONE not in page and "13800001111" not in page, user.username
    page = login(w.fendou).get(history).content.decode()  # registry.phone.full: whole, as on the page itself
    assert full_line in page and number not in page
