"""Writes of the village profile: the yearly profile, 两委, 村规民约 and 示范 (their procedures go
through the transition engine, ``workflow.py``), living-environment records, rural talent and the
乡村建设 side of a funds pool project. Each takes the acting user, checks the write rule and owns
its transaction. The toilet census and its rectification are in ``toilets.py``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.funds.models import Project, ProjectType
from zhenxing.regions.models import Level, Region
from zhenxing.registry.idnumber import IdNumberError
from zhenxing.registry.idnumber import id_hash as hash_id
from zhenxing.registry.idnumber import validate as validate_id
from zhenxing.registry.models import Member

from .models import (
    AGRICULTURE,
    CONSTRUCTION,
    Cadre,
    Category,
    CleaningRound,
    ConstructionProject,
    ConstructionTask,
    GarbageRecord,
    Honour,
    HonourKind,
    SewageRecord,
    Talent,
    VillageProfile,
    VillageRule,
)

KEEP = "village.profile.keep"
STAFF = frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE})

# The 农业农村 department's account reads the profiles, toilets and environment records of its
# region, and 农业农村's and 住建's read the 乡村建设 projects (models.py ``read_by``); no department
# writes here (the write rules below name no department role). Talent is not a department's.
# The village cadre's menu is full (at most 15 entries, core/tests/test_menus.py): the cadre reaches
# these pages from the home page's work list (pending.py) and the profile's links.
_READERS = frozenset(Role)
_MENU = _READERS - {Role.VILLAGE_CADRE}
_PAGES = {
    "village.index": AGRICULTURE,
    "village.toilets": AGRICULTURE,
    "village.environment": AGRICULTURE,
    "village.projects": CONSTRUCTION,
    "village.talent": (),
}
PAGE_RULES = scope.page_rules(
    {
        name: scope.PageRule(roles=_READERS, menu=_MENU, departments=frozenset(departments))
        for name, departments in _PAGES.items()
    }
)
WRITE_RULES = scope.write_rules(
    {
        KEEP: scope.WriteRule(roles=STAFF, refusal="须由村干部、乡镇或县级工作人员办理乡村建设事项"),
        # a 回头看 round is organised by the township or the county
        "village.recheck.organise": scope.WriteRule(
            roles=frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF}), refusal="回头看须由乡镇或县级组织"
        ),
        # the 乡村建设 category and task list of a pool project: the county keeps the pool
        "village.project.keep": scope.WriteRule(
            roles=frozenset({Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF}), refusal="乡村建设项目库由乡镇或县级维护"
        ),
    }
)


def _village(region: Region) -> None:
    if region is None or region.level != Level.VILLAGE:
        raise ValidationError({"village": ["须选择村"]})


def registry_person(village: Region, id_number: str) -> Member:
    """The registry's person behind an ID number, living in the village."""
    try:
        number = validate_id(id_number)
    except (IdNumberError, ValidationError) as exc:
        raise ValidationError(
            {"id_number": [str(exc) if isinstance(exc, IdNumberError) else exc.messages[0]]}
        ) from None
    person = Member.objects.filter(id_hash=hash_id(number)).select_related("household").first()
    if person is None:
        raise ValidationError({"id_number": ["农户信息库中没有此人，请先在农户信息中登记"]})
    if person.household.village_id != village.pk:
        raise ValidationError({"id_number": ["此人户籍不在本村"]})
    return person


# --- profile ------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "village_class",
    "plan_status",
    "plan_approved_on",
    "plan_document",
    "upkeep_manager",
    "upkeep_service",
    "upkeep_fee",
    "note",
)


def profile_save(*, actor, village: Region, year: int, version: int | None = None, **fields) -> VillageProfile:
    """Create or change the village's profile of ``year``; a new year starts from the last year's."""
    scope.require_write(actor, village, KEEP)
    _village(village)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    if fields.get("plan_status") == "approved" and not (fields.get("plan_approved_on") and fields.get("plan_document")):
        raise ValidationError({"plan_approved_on": ["村庄规划已批复的，须填写批复日期和文号"]})
    with transaction.atomic(), acting(actor):
        profile = VillageProfile.objects.select_for_update().filter(village=village, year=year).first()
        if profile is None:
            last = VillageProfile.objects.filter(village=village, year__lt=year).order_by("-year").first()
            base = {f: getattr(last, f) for f in PROFILE_FIELDS} if last else {}
            profile = VillageProfile(village=village, year=year, **base)
        elif version is not None and profile.version != version:
            raise ValidationError("该村庄档案已被他人修改，请刷新后重试")
        else:
            profile.version += 1
        for name, value in fields.items():
            setattr(profile, name, value if value is not None else ("" if name not in ("plan_approved_on",) else None))
        profile.updated_by = actor
        profile.save()
    return profile


def cadre_add(
    *,
    actor,
    profile: VillageProfile,
    id_number: str,
    post: str,
    age_band: str,
    education: str,
    veteran: bool = False,
    graduate: bool = False,
) -> Cadre:
    scope.require_write(actor, profile, KEEP)
    person = registry_person(profile.village, id_number)
    if Cadre.objects.filter(profile=profile, id_hash=person.id_hash).exists():
        raise ValidationError({"id_number": ["此人已在本年度两委名单中"]})
    with transaction.atomic(), acting(actor):
        return Cadre.objects.create(
            profile=profile,
            id_hash=person.id_hash,
            post=post,
            age_band=age_band,
            education=education,
            veteran=bool(veteran),
            graduate=bool(graduate),
        )


def cadre_remove(*, actor, cadre: Cadre) -> None:
    scope.require_write(actor, cadre, KEEP)
    with transaction.atomic(), acting(actor):
        cadre.delete()


# --- 村规民约 and 示范 ------------------------------------------------------------------------------


def rule_draft(*, actor, village: Region, title: str, items: str) -> VillageRule:
    scope.require_write(actor, village, KEEP)
    _village(village)
    if not (title or "").strip():
        raise ValidationError({"title": ["须填写标题"]})
    if not [line for line in (items or "").splitlines() if line.strip()]:
        raise ValidationError({"items": ["须填写条款，每行一条"]})
    with transaction.atomic(), acting(actor):
        return VillageRule.objects.create(village=village, title=title.strip(), items=items.strip(), drafted_by=actor)


def rule_transition(
    *, actor, rule: VillageRule, code: str, reason: str = "", evidence: str = "", version=None, **extra
):
    """vote (evidence: the vote; ``meeting``), file (evidence: the filing number), post, return."""
    from zhenxing import workflow as engine

    extra.setdefault("today", timezone.localdate())
    return engine.transition_apply(
        actor=actor, obj=rule, code=code, reason=reason, evidence=evidence, version=version, **extra
    )


def honour_recommend(*, actor, village: Region, kind: str, year: int, reason: str) -> Honour:
    scope.require_write(actor, village, KEEP)
    _village(village)
    if kind not in HonourKind.values:
        raise ValidationError({"kind": ["示范类别不正确"]})
    if not (reason or "").strip():
        raise ValidationError({"reason": ["须填写推荐理由"]})
    if Honour.objects.filter(village=village, kind=kind, year=year).exists():
        raise ValidationError({"kind": [f"{village.name}本年度已推荐{HonourKind(kind).label}"]})
    with transaction.atomic(), acting(actor):
        return Honour.objects.create(village=village, kind=kind, year=year, reason=reason.strip(), recommended_by=actor)


def honour_transition(*, actor, honour: Honour, code: str, reason: str = "", evidence: str = "", version=None, **extra):
    """review (township), approve (county, evidence: the naming document), refuse (with a reason)."""
    from zhenxing import workflow as engine

    extra.setdefault("today", timezone.localdate())
    return engine.transition_apply(
        actor=actor, obj=honour, code=code, reason=reason, evidence=evidence, version=version, **extra
    )


# --- living environment -----------------------------------------------------------------------


def _yearly(model, *, actor, village: Region, year: int, **fields):
    scope.require_write(actor, village, KEEP)
    _village(village)
    with transaction.atomic(), acting(actor):
        record = model.objects.select_for_update().filter(village=village, year=year).first() or model(
            village=village, year=year
        )
        for name, value in fields.items():
            setattr(record, name, value)
        record.full_clean()
        record.save()
    return record


def sewage_save(*, actor, village: Region, year: int, **fields) -> SewageRecord:
    if int(fields.get("black_water_fixed") or 0) > int(fields.get("black_water_bodies") or 0):
        raise ValidationError({"black_water_fixed": ["已治理的黑臭水体不能多于黑臭水体总数"]})
    return _yearly(SewageRecord, actor=actor, village=village, year=year, **fields)


def garbage_save(*, actor, village: Region, year: int, **fields) -> GarbageRecord:
    return _yearly(GarbageRecord, actor=actor, village=village, year=year, **fields)


def cleaning_record(
    *, actor, village: Region, year: int, season: str, inspected_on: dt.date, score, problems: str = ""
) -> CleaningRound:
    """An inspection of a 村庄清洁 round; problems found open a rectification item in the ledger."""
    from .toilets import cleaning_rectify

    scope.require_write(actor, village, KEEP)
    _village(village)
    if CleaningRound.objects.filter(village=village, year=year, season=season).exists():
        raise ValidationError({"season": ["本村该季战役已有检查记录"]})
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": ["检查日期不能晚于今天"]})
    with transaction.atomic(), acting(actor):
        record = CleaningRound(
            village=village,
            year=year,
            season=season,
            inspected_on=inspected_on,
            score=score,
            problems=(problems or "").strip(),
            inspector=actor,
        )
        record.full_clean()
        record.save()
        if record.problems:
            cleaning_rectify(actor=actor, record=record)
    return record


# --- talent -------------------------------------------------------------------------------------


def talent_add(
    *, actor, village: Region, id_number: str, kind: str, skill: str, level: str, training: str = ""
) -> Talent:
    scope.require_write(actor, village, KEEP)
    _village(village)
    person = registry_person(village, id_number)
    if Talent.objects.filter(id_hash=person.id_hash, kind=kind).exists():
        raise ValidationError({"id_number": ["此人已登记为该类人才"]})
    with transaction.atomic(), acting(actor):
        talent = Talent(
            village=village,
            id_hash=person.id_hash,
            kind=kind,
            skill=(skill or "").strip(),
            level=level,
            training=(training or "").strip(),
            recorded_by=actor,
        )
        talent.full_clean(exclude=["recorded_by"])
        talent.save()
    return talent


# --- 乡村建设 projects (the funds pool, type 乡村建设) -----------------------------------------------


def construction_classify(*, actor, project: Project, category: str) -> ConstructionProject:
    """Mark a pool project of type 乡村建设 with its category (road, water, energy...)."""
    scope.require_write(actor, project.village, "village.project.keep")
    if project.type != ProjectType.RURAL_CONSTRUCTION:
        raise ValidationError({"project": ["只有“乡村建设”类项目纳入乡村建设项目库"]})
    if category not in Category.values:
        raise ValidationError({"category": ["建设类别不正确"]})
    with transaction.atomic(), acting(actor):
        cp, _ = ConstructionProject.objects.update_or_create(project=project, defaults={"category": category})
    return cp


def task_add(*, actor, construction: ConstructionProject, village: Region, content: str, due_on: dt.date):
    scope.require_write(actor, village, "village.project.keep")
    _village(village)
    if not (content or "").strip():
        raise ValidationError({"content": ["须填写任务内容"]})
    with transaction.atomic(), acting(actor):
        return ConstructionTask.objects.create(
            construction=construction, village=village, content=content.strip(), due_on=due_on
        )


def task_done(*, actor, task: ConstructionTask, on: dt.date | None = None) -> ConstructionTask:
    scope.require_write(actor, task, KEEP)
    if task.done_on:
        raise ValidationError("该任务已完成")
    with transaction.atomic(), acting(actor):
        task.done_on = on or timezone.localdate()
        task.save(update_fields=["done_on"])
    return task
