from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from zhenxing.audit.models import AuditEntry
from zhenxing.dashboard.models import IncomeStandard
from zhenxing.dashboard.services import income_standard_set


def test_the_prefecture_admin_sets_the_years_standard(login, w):
    client = login(w.diqu)
    assert client.post("/dashboard/standards/", {"year": 2022, "amount": "7000", "note": "黑乡振发"}).status_code == 302
    assert client.post("/dashboard/standards/", {"year": 2022, "amount": "7100"}).status_code == 302
    assert IncomeStandard.objects.get(year=2022).amount == Decimal("7100")
    assert AuditEntry.objects.filter(model="dashboard.incomestandard", action="update").count() == 1
    page = client.post("/dashboard/standards/", {"year": 2022, "amount": "0"}).content.decode()
    assert "确保该值大于或等于" in page
    assert IncomeStandard.objects.get(year=2022).amount == Decimal("7100")


def test_others_read_but_do_not_set(login, w):
    assert login(w.tahe).post("/dashboard/standards/", {"year": 2022, "amount": "7000"}).status_code == 403
    assert login(w.tahe).get("/dashboard/standards/").status_code == 200
    with pytest.raises(PermissionDenied):
        income_standard_set(actor=w.tahe, year=2022, amount=Decimal("7000"))
    assert not IncomeStandard.objects.exists()
