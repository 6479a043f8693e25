"""The project list pages by keyset on (year desc, code) and counts up to the cap."""

from __future__ import annotations

from zhenxing.funds.models import Project
from zhenxing.funds.testing import make_project


def test_the_project_list_walks_every_project_once_in_year_then_code_order(w, login):
    for i in range(53):
        make_project(w.r.fendou, code=f"P{i:03d}", year=2024 + i % 2)
    expected = list(Project.objects.order_by("-year", "code").values_list("code", flat=True))
    client = login(w.tahe)
    seen, cursor = [], ""
    while True:
        page = client.get("/funds/projects/", {"cursor": cursor} if cursor else {})
        assert page.status_code == 200
        seen += [p.code for p in page.context["page"]]
        cursor = page.context["next_cursor"]
        if not cursor:
            break
    assert seen == expected and page.context["count"] == 53 and not page.context["capped"]
    assert "符合条件的共53个" in page.content.decode()
