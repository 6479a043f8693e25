"""Line departments in 乡村建设 (accounts.scope ``read_by``): the 塔河县 农业农村 account reads its
county's profiles, toilets, environment records and 乡村建设 projects, and another county's answer
404; the 住建 account reads the 乡村建设 projects only; the 医保 account reads none of it. All of
them only read: every write is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department, Role, User
from zhenxing.funds.models import Project
from zhenxing.funds.testing import make_project
from zhenxing.lib.modules import menu_items
from zhenxing.registry.testing import make_household
from zhenxing.village import services, toilets
from zhenxing.village.models import ConstructionTask, Toilet

TODAY = dt.date.today()
VILLAGE_MENU = {"村庄档案", "户厕摸排与整改", "人居环境整治", "乡村建设项目库"}


def _department(w, name: str, department: str) -> User:
    return User.objects.create(
        username=f"t-{name}",
        role=Role.DEPARTMENT_STAFF,
        region=w.r.tahe,
        department=department,
        full_name=name,
        must_change_password=False,
    )


@pytest.fixture
def v(w):
    """Records in 奋斗村 (塔河县) and in a 呼玛县 village, and the two county departments."""
    tahe = make_household(village=w.r.fendou)
    huma = make_household(village=w.r.huma_village)
    ns = {
        "nongye": _department(w, "nongye", Department.AGRICULTURE),
        "zhujian": _department(w, "zhujian", Department.HOUSING),
        "toilet": toilets.toilet_survey(actor=None, household=tahe, kind="flush"),
        "other_toilet": toilets.toilet_survey(actor=None, household=huma, kind="dry"),
        "profile": services.profile_save(actor=None, village=w.r.fendou, year=TODAY.year),
        "other_profile": services.profile_save(actor=None, village=w.r.huma_village, year=TODAY.year),
        "sewage": services.sewage_save(
            actor=None, village=w.r.fendou, year=TODAY.year, mode="scattered", households_covered=3
        ),
        "project": make_project(w.r.fendou, type="rural_construction", name="奋斗村道路硬化"),
        "other_project": make_project(w.r.huma_village, type="rural_construction", name="呼玛县村道路"),
        "industry": make_project(w.r.fendou, type="industry", name="奋斗村木耳基地"),
    }
    cp = services.construction_classify(actor=None, project=ns["project"], category="road")
    ns["task"] = services.task_add(
        actor=None, construction=cp, village=w.r.fendou, content="硬化主街500米", due_on=TODAY
    )
    return type("V", (), ns)


def test_agriculture_lists_its_county_toilets_and_gets_404_on_another_county(w, v, login):
    c = login(v.nongye)
    page = c.get("/village/toilets/")
    assert page.status_code == 200
    html = page.content.decode()
    assert v.toilet.household.number in html and v.other_toilet.household.number not in html
    assert c.get(f"/village/toilets/{v.toilet.pk}/").status_code == 200
    assert c.get(f"/village/toilets/{v.other_toilet.pk}/").status_code == 404
    assert c.get(f"/village/profiles/{v.profile.pk}/").status_code == 200
    assert c.get(f"/village/profiles/{v.other_profile.pk}/").status_code == 404
    assert c.get(f"/village/?region={w.r.huma.code}").status_code == 404
    assert "奋斗村" in c.get("/village/").content.decode()
    env = c.get("/village/environment/").content.decode()
    assert "分散处理" in env
    projects = c.get("/village/projects/").content.decode()
    assert "奋斗村道路硬化" in projects and "呼玛县村道路" not in projects and "木耳基地" not in projects
    assert c.get(f"/village/projects/{v.project.pk}/").status_code == 200
    assert c.get(f"/village/projects/{v.other_project.pk}/").status_code == 404
    assert c.get("/village/talent/").status_code == 403  # 乡村人才 is not its field
    for url in ("/village/", f"/village/profiles/{v.profile.pk}/"):  # nor linked
        assert "/village/talent/" not in c.get(url).content.decode(), url
    assert "/village/talent/" in login(w.tahe).get(f"/village/profiles/{v.profile.pk}/").content.decode()
    assert VILLAGE_MENU <= {i.label for i in menu_items(v.nongye)}
    assert "乡村人才" not in {i.label for i in menu_items(v.nongye)}


def test_agriculture_only_reads(w, v, login):
    with pytest.raises(PermissionDenied):
        toilets.toilet_problem(actor=v.nongye, toilet=v.toilet, problem="frozen")
    with pytest.raises(PermissionDenied):
        services.profile_save(actor=v.nongye, village=w.r.fendou, year=TODAY.year, note="改")
    # the one write check refuses a department any write on a record it reads by ``read_by``
    assert not scope.can_write(v.nongye, v.toilet, "village.profile.keep")
    with pytest.raises(scope.OutOfScope):
        scope.require_write(v.nongye, v.project, "funds.project.transition")
    c = login(v.nongye)
    html = c.get(f"/village/toilets/{v.toilet.pk}/").content.decode()
    assert 'name="action" value="problem"' not in html and 'value="census"' not in html
    c.post(f"/village/toilets/{v.toilet.pk}/", {"action": "problem", "problem": "frozen"})
    v.toilet.refresh_from_db()
    assert v.toilet.status == "ok" and not v.toilet.item_id


def test_housing_reads_construction_projects_but_not_toilets(w, v, login):
    assert list(scope.scoped(v.zhujian, Project)) == [v.project]  # not the pool's other projects
    assert list(scope.scoped(v.zhujian, ConstructionTask)) == [v.task]
    assert not scope.scoped(v.zhujian, Toilet).exists()
    c = login(v.zhujian)
    assert "奋斗村道路硬化" in c.get("/village/projects/").content.decode()
    page = c.get(f"/village/projects/{v.project.pk}/")
    assert page.status_code == 200 and "硬化主街500米" in page.content.decode()
    assert c.get(f"/village/projects/{v.industry.pk}/").status_code == 404
    assert c.get(f"/funds/projects/{v.project.pk}/").status_code == 403  # the funds pages stay the county's
    for url in ("/village/", "/village/toilets/", "/village/environment/"):
        assert c.get(url).status_code == 403, url
    assert c.get(f"/village/toilets/{v.toilet.pk}/").status_code == 404
    assert c.get(f"/village/profiles/{v.profile.pk}/").status_code == 404
    assert [i.label for i in menu_items(v.zhujian) if i.group == "乡村建设"] == ["乡村建设项目库"]


def test_medical_insurance_sees_none_of_it(w, v, login):
    for model in (Toilet, Project, ConstructionTask):
        assert not scope.scoped(w.yibao, model).exists(), model
    c = login(w.yibao)
    for url in ("/village/", "/village/toilets/", "/village/environment/", "/village/projects/"):
        assert c.get(url).status_code == 403, url
    assert c.get(f"/village/projects/{v.project.pk}/").status_code == 403
    assert c.get(f"/village/toilets/{v.toilet.pk}/").status_code == 404
    assert c.get(f"/village/profiles/{v.profile.pk}/").status_code == 404
    assert not VILLAGE_MENU & {i.label for i in menu_items(w.yibao)}
