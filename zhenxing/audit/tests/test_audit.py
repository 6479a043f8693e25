from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from zhenxing.accounts import services
from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.audit.models import AuditEntry
from zhenxing.testing import PASSWORD


def test_a_change_writes_one_entry_with_before_and_after(w):
    before_count = AuditEntry.objects.count()
    with acting(w.diqu):
        w.fendou.phone = "13900000000"
        w.fendou.save()
    entries = AuditEntry.objects.filter(id__gt=0).order_by("-id")
    assert AuditEntry.objects.count() == before_count + 1
    entry = entries[0]
    assert entry.action == "update"
    assert entry.model == "accounts.user" and entry.object_id == str(w.fendou.pk)
    assert entry.before == {"phone": ""} and entry.after == {"phone": "13900000000"}
    assert entry.actor_username == "t-diqu"


def test_saving_without_changes_writes_nothing(w):
    n = AuditEntry.objects.count()
    w.fendou.save()
    assert AuditEntry.objects.count() == n


def test_password_hashes_never_reach_the_log(w):
    services.user_set_password(actor=w.fendou, user=w.fendou, new_password="Xinmima#2023b")
    for entry in AuditEntry.objects.filter(model="accounts.user"):
        assert "password" not in (entry.before or {}) and "password" not in (entry.after or {})
    assert AuditEntry.objects.filter(action="password_change", object_id=str(w.fendou.pk)).exists()


def test_creation_is_logged_with_the_acting_admin(w):
    user = services.user_create(
        actor=w.diqu, username="xin", password="Chushi#2022a", region=w.r.fendou, role=Role.VILLAGE_CADRE
    )
    entry = AuditEntry.objects.get(model="accounts.user", object_id=str(user.pk), action="create")
    assert entry.actor_username == "t-diqu" and entry.before is None and entry.after["username"] == "xin"


def test_logins_and_failures_are_logged_with_the_address(client, w):
    client.post("/accounts/login/", {"username": "t-fendou", "password": "bad"}, REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"username": "t-fendou", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    failed = AuditEntry.objects.get(action="login_failed")
    assert failed.extra == {"username": "t-fendou"} and failed.ip == "10.1.2.3"
    assert AuditEntry.objects.get(action="login").actor_username == "t-fendou"


def test_entries_cannot_be_updated_or_deleted_through_the_orm(w):
    entry = AuditEntry.objects.first()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


@pytest.mark.parametrize("sql", ["UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"])
def test_the_database_refuses_updates_and_deletes(w, sql):
    assert AuditEntry.objects.exists()
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert not AuditEntry.objects.filter(action="x").exists()


def test_audit_page_is_for_admins_and_inspectors_only(login, w):
    assert login(w.fendou).get("/audit/").status_code == 403
    assert login(w.tahe).get("/audit/").status_code == 403
    assert login(w.ducha).get("/audit/").status_code == 200
    assert login(w.diqu).get("/audit/").status_code == 200


def test_audit_search_by_user(login, w):
    with acting(w.tahe):
        w.fendou.phone = "1"
        w.fendou.save()
    with acting(w.diqu):
        w.kaikukang.phone = "2"
        w.kaikukang.save()
    page = login(w.diqu).get("/audit/", {"username": "t-tahe"}).content.decode()
    assert "t-tahe" in page and "t-kaikukang" not in page


def test_flush_is_refused_outside_tests(db, settings):
    from django.core.management import CommandError, call_command

    settings.ALLOW_FLUSH = False
    with pytest.raises(CommandError):
        call_command("flush", interactive=False)
    assert AuditEntry.objects.model._meta.db_table == "audit_auditentry"


def test_empty_and_filled_file_fields_are_logged_by_name():
    from django.db.models.fields.files import FieldFile, FileField

    from zhenxing.audit.services import _jsonable

    field = FileField(name="scan")
    assert _jsonable(FieldFile(None, field, "")) == ""
    assert _jsonable(FieldFile(None, field, "monitoring/2022/05/a.pdf")) == "monitoring/2022/05/a.pdf"
