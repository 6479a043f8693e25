"""The transition engine: every state machine of the project moves its records through here.

A ``Transition`` is data (code, label, from-states, to-state, who may take it, whether it needs a
reason or evidence, guards, effects); a ``Machine`` is the transitions of one model plus the hooks
its app declares (the write check, the app's own history row, extra audit fields). Each app keeps
its machine in its own ``workflow.py`` and registers it; ``transition_apply`` then does for every
app, in this order:

1. the checks, outside the transaction: unknown code, the machine's write check (read-only
   account, data scope), the from-state, who may act (roles and/or a predicate);
2. the refusals, all reported together: missing reason, missing evidence, each guard's message;
3. in one transaction: lock the row (``select_for_update``), compare its version and state with
   what the user saw (``StaleVersion`` when someone else acted: nothing is written), run the
   effects (what they return is written with the new state), write state and version + 1, the
   app's history row, and the audit event ``transition``.

An effect or hook that raises rolls the whole step back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit import display as audit_display
from zhenxing.audit.context import acting
from zhenxing.audit.models import AuditEntry
from zhenxing.audit.services import event_log
from zhenxing.lib.errors import StaleVersion, require_current

# A guard says why a step is refused (a Chinese sentence, or several) or None when it may go on.
Guard = Callable[["Move"], "str | Sequence[str] | None"]
# An effect runs inside the step's transaction; a dict it returns is written with the new state.
Effect = Callable[["Move"], "Mapping[str, Any] | None"]


@dataclass(frozen=True, kw_only=True)
class Transition:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str] = frozenset()  # empty: any role the machine's write check lets through
    who: Callable[[Any, Any], bool] | None = None  # (actor, record) -> may this actor take it on this record
    needs_reason: bool = False
    needs_evidence: bool = False
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    # Maker ≠ checker: the codes of earlier steps whose actor may not take this one on the same
    # record (who reported 整改完成 does not verify it). The latest of those steps counts.
    not_same_actor_as: tuple[str, ...] = ()
    actor_label: str = ""  # who takes it, in words (default: the roles' names)

    @property
    def action(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return self.code

    @property
    def source(self) -> str:
        """The from-state of a transition that has one (most have)."""
        return self.sources[0]

    @property
    def roles_label(self) -> str:
        return "、".join(str(Role(r).label) for r in sorted(self.roles))

    def allows(self, actor, obj) -> bool:
        """Whether this actor may take the step on this record (None: the system itself)."""
        return self.permits(actor, obj) and (actor is None or self.made_by(actor, obj) is None)

    def permits(self, actor, obj) -> bool:
        """The roles and the ``who`` predicate alone (not maker ≠ checker)."""
        if actor is None:
            return True
        if self.roles and getattr(actor, "role", None) not in self.roles:
            return False
        return self.who is None or bool(self.who(actor, obj))

    def made_by(self, actor, obj) -> str | None:
        """The label of the earlier step (``not_same_actor_as``) this actor took on this record, when
        that forbids them this one; None when they may go on."""
        if not self.not_same_actor_as or actor is None or getattr(obj, "pk", None) is None:
            return None
        return last_step_by(obj, self.not_same_actor_as, actor)


@dataclass
class Move:
    """One step being taken: what guards, effects and hooks are given."""

    machine: Machine
    actor: Any
    obj: Any
    code: str
    label: str
    source: str
    target: str
    reason: str = ""
    evidence: Any = None
    extra: dict[str, Any] = field(default_factory=dict)  # the caller's other keyword arguments
    transition: Transition | None = None  # None for an event that changes no state (Machine.record)
    warnings: list[str] = field(default_factory=list)  # guards may note what does not refuse the step
    history: Any = None  # the app's history row, once written


def last_step_by(obj, codes: Sequence[str], actor) -> str | None:
    """The label of the latest of the steps ``codes`` taken on ``obj`` when ``actor`` took it (read
    from the audit events every step writes), else None."""
    entries = AuditEntry.objects.filter(
        action="transition", model=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-id")
    for actor_id, extra in entries.values_list("actor_id", "extra").iterator():
        code = (extra or {}).get("action")
        if code in codes:
            if actor_id != actor.pk:
                return None
            machine = _MACHINES.get(type(obj))
            t = machine.get(code) if machine is not None else None
            return str(t.label) if t is not None else str(code)
    return None


def previewable(guard: Guard) -> Guard:
    """Mark a guard that reads only the record (not what the user types into the step's form): it
    can be run ahead of time, so a form says what a later step will require (``Machine.ahead``)."""
    guard.preview = True  # type: ignore[attr-defined]
    return guard


@dataclass(frozen=True)
class Requirement:
    """A step ahead of a record, who takes it and what its guards would refuse today."""

    transition: Transition
    who: str  # who takes it (the roles, and "not the one who …")
    missing: tuple[str, ...]  # the refusals of its previewable guards; empty: nothing missing

    @property
    def label(self) -> str:
        return str(self.transition.label)

    @property
    def ready(self) -> bool:
        return not self.missing


def _has_evidence(evidence) -> bool:
    if isinstance(evidence, str):
        return bool(evidence.strip())
    return evidence not in (None, [], (), {})


def _as_list(refusal: str | Sequence[str] | None) -> list[str]:
    if not refusal:
        return []
    return [str(refusal)] if isinstance(refusal, str) else [str(r) for r in refusal if r]


@dataclass(frozen=True, kw_only=True)
class Machine:
    model: type[models.Model]
    transitions: Iterable[Transition]
    state_field: str = "status"
    version_field: str = "version"
    # The write action every step is checked against: ``accounts.scope.require_write(actor, obj,
    # write_action)`` (read-only account, the action's roles, department field, data scope).
    write_action: str | None = None
    # Writes the app's own history row for a move and returns it (each app keeps its history model).
    history: Callable[[Move], Any] | None = None
    # Keeps the app's derived figures (say per-state counts) in step, in the step's transaction,
    # after the new state is written.
    after_move: Callable[[Move], None] | None = None
    # Fields the app adds to the audit event's ``extra`` (which always has action, from, to, reason).
    audit_extra: Callable[[Move], Mapping[str, Any]] | None = None
    # The label of a record's current state (default: ``get_<state_field>_display()``).
    state_label: Callable[[Any], str] | None = None
    # The labels of the state codes when the state field has no choices (the audit log's words).
    state_names: Mapping[str, Any] | None = None
    # Replaces the evidence check: the refusal when the move lacks evidence, or None.
    evidence_refusal: Callable[[Move], str | None] | None = None
    # Messages: str.format with ``t`` (the transition), ``obj`` (the record), ``state`` (its state's label).
    unknown_message: str = "未知操作"
    state_message: str = "当前状态为“{state}”，不能{t.label}"
    denied_message: str = "您无权{t.label}"
    denied_error: type[Exception] = PermissionDenied
    maker_message: str = "“{made}”由您本人办理，“{t.label}”须由其他人员办理（办理人与核验人不能为同一人）"
    reason_message: str = "{t.label}须填写理由"
    reason_field: str | None = None
    evidence_message: str = "请填写{t.label}的依据"
    evidence_field: str | None = None
    error_field: str | None = None  # where refusals without their own field are filed
    stale_message: str = "该记录已被他人修改，请刷新后重试"

    def __post_init__(self) -> None:
        object.__setattr__(self, "transitions", tuple(self.transitions))
        object.__setattr__(self, "by_code", {t.code: t for t in self.transitions})

    # --- reading the machine ---------------------------------------------------------------

    def get(self, code: str) -> Transition | None:
        return self.by_code.get(code)  # type: ignore[attr-defined]

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def label_of(self, obj) -> str:
        if self.state_label is not None:
            return str(self.state_label(obj))
        return str(getattr(obj, f"get_{self.state_field}_display")())

    def state_name(self, code: str) -> str:
        """A state code in words: ``state_names``, else the state field's choice label, else the code."""
        if self.state_names and code in self.state_names:
            return str(self.state_names[code])
        try:
            choices = dict(self.model._meta.get_field(self.state_field).flatchoices)
        except Exception:  # noqa: BLE001 - a state kept outside a field: the code is all there is
            choices = {}
        return str(choices.get(code, code))

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def available(self, obj, user) -> list[Transition]:
        """The steps this user may take on this record now (the guards run when one is taken)."""
        if user is None or not getattr(user, "is_authenticated", True) or getattr(user, "is_read_only", False):
            return []
        return [t for t in self.from_state(self.state_of(obj)) if t.allows(user, obj)]

    def main_line(self, state: str, *, stop: Iterable[str] = ()) -> list[Transition]:
        """The steps ahead of a state on the main line: from each state the first step the machine
        lists (each app lists the forward step before 退回 and 不予…), until a state in ``stop``, a
        state with no step or one already passed."""
        stop, seen, steps = set(stop), {state}, []
        while True:
            t = next(iter(self.from_state(state)), None)
            if t is None or t.target in seen:
                return steps
            steps.append(t)
            if t.target in stop:
                return steps
            state = t.target
            seen.add(state)

    def ahead(self, obj, *, stop: Iterable[str] = (), **extra) -> list[Requirement]:
        """What each step ahead of ``obj`` on the main line will require, computed by the steps' own
        previewable guards (and the machine's evidence check when it reads the record): a form shows
        it before the user sends the record on. ``extra`` is what those guards read from a move."""
        rows = []
        for t in self.main_line(self.state_of(obj), stop=stop):
            move = Move(
                machine=self,
                actor=None,
                obj=obj,
                code=t.code,
                label=t.label,
                source=t.sources[0],
                target=t.target,
                extra=dict(extra),
                transition=t,
            )
            missing: list[str] = []
            if t.needs_evidence and self.evidence_refusal is not None:
                missing += _as_list(self.evidence_refusal(move))
            for guard in t.guards:
                if getattr(guard, "preview", False):
                    missing += _as_list(guard(move))
            who = str(t.actor_label or t.roles_label)
            if t.not_same_actor_as:
                made = "、".join(f"“{self.get(c).label}”" for c in t.not_same_actor_as if self.get(c) is not None)
                who = f"{who}（不能是办理{made}的同一人）" if who else f"办理{made}以外的人员"
            rows.append(Requirement(transition=t, who=who, missing=tuple(dict.fromkeys(missing))))
        return rows

    # --- taking a step ---------------------------------------------------------------------

    def _say(self, message: str, t: Transition, obj) -> str:
        return message.format(t=t, obj=obj, state=self.label_of(obj))

    def check(self, *, actor, obj, code: str) -> Transition:
        """Unknown step, the write check, the from-state and who may act, in that order."""
        t = self.get(code)
        if t is None:
            raise ValidationError(self.unknown_message)
        if self.write_action is not None:
            try:
                scope.require_write(actor, obj, self.write_action)
            except scope.OutOfScope:
                if self.denied_error is PermissionDenied:
                    raise
                # a machine that answers refusals as form errors says so for another region's record too
                raise self.denied_error(self._say(self.denied_message, t, obj)) from None
        if self.state_of(obj) not in t.sources:
            raise ValidationError(self._say(self.state_message, t, obj))
        if not t.permits(actor, obj):
            raise self.denied_error(self._say(self.denied_message, t, obj))
        made = t.made_by(actor, obj)
        if made is not None:
            raise self.denied_error(self.maker_message.format(t=t, made=made))
        return t

    def _refuse(self, move: Move) -> None:
        t = move.transition
        refusals: list[tuple[str | None, str]] = []
        if t.needs_reason and not (move.reason or "").strip():
            refusals.append((self.reason_field, self._say(self.reason_message, t, move.obj)))
        if t.needs_evidence:
            if self.evidence_refusal is not None:
                missing = self.evidence_refusal(move)
            else:
                missing = None if _has_evidence(move.evidence) else self._say(self.evidence_message, t, move.obj)
            if missing:
                refusals.append((self.evidence_field, missing))
        for guard in t.guards:
            refusals += [(None, message) for message in _as_list(guard(move))]
        if not refusals:
            return
        filed = [(f or self.error_field, message) for f, message in refusals]
        if all(f is None for f, _ in filed):
            raise ValidationError([message for _, message in filed])
        errors: dict[str, list[str]] = {}
        for f, message in filed:
            errors.setdefault(f or NON_FIELD_ERRORS, []).append(message)
        raise ValidationError(errors)

    def apply(
        self, *, actor, obj, code: str, reason: str = "", evidence=None, version: int | None = None, **extra
    ) -> Move:
        """Take the step ``code`` on ``obj``. ``version`` is the version the actor saw (default: the
        one ``obj`` carries). Returns the move; ``obj`` is refreshed from the database. A stale read
        is refused before any other check (the user must reload first)."""
        require_current(version, getattr(obj, self.version_field), self.stale_message)
        t = self.check(actor=actor, obj=obj, code=code)
        source = self.state_of(obj)
        move = Move(
            machine=self,
            actor=actor,
            obj=obj,
            code=t.code,
            label=t.label,
            source=source,
            target=t.target,
            reason=(reason or "").strip(),
            evidence=evidence,
            extra=extra,
            transition=t,
        )
        self._refuse(move)
        expected = getattr(obj, self.version_field) if version is None else version
        manager = self.model._default_manager
        with transaction.atomic(), acting(actor):
            locked = manager.select_for_update().filter(pk=obj.pk).values(self.state_field, self.version_field).first()
            if locked is None or (locked[self.version_field], locked[self.state_field]) != (expected, source):
                raise StaleVersion(self.stale_message)
            changes: dict[str, Any] = {}
            for effect in t.effects:
                changes.update(effect(move) or {})
            changes.update({self.state_field: t.target, self.version_field: F(self.version_field) + 1})
            now = timezone.now()
            for f in self.model._meta.concrete_fields:
                if getattr(f, "auto_now", False) and f.attname not in changes:
                    changes[f.attname] = now
            manager.filter(pk=obj.pk).update(**changes)
            obj.refresh_from_db()
            if self.after_move is not None:
                self.after_move(move)
            self._record(move)
        return move

    def record(
        self, *, actor, obj, code: str, label: str, source: str = "", target: str = "", reason: str = "", **extra
    ) -> Move:
        """An event in a record's history that changes no state (a visit, a measure, the opening):
        the same history row and audit event as a step, without the lock. Runs in the caller's
        transaction."""
        move = Move(
            machine=self,
            actor=actor,
            obj=obj,
            code=code,
            label=str(label),
            source=source,
            target=target,
            reason=(reason or "").strip(),
            extra=extra,
        )
        with transaction.atomic(), acting(actor):
            self._record(move)
        return move

    def _record(self, move: Move) -> None:
        if self.history is not None:
            move.history = self.history(move)
        details: dict[str, Any] = {
            "action": move.code,
            "label": move.label,
            "from": move.source,
            "to": move.target,
            "reason": move.reason,
        }
        if isinstance(move.evidence, str) and move.evidence.strip():
            details["evidence"] = move.evidence.strip()
        if self.audit_extra is not None:
            details.update(self.audit_extra(move))
        event_log(action="transition", actor=move.actor, request=move.extra.get("request"), obj=move.obj, extra=details)


_MACHINES: dict[type[models.Model], Machine] = {}


def register(machine: Machine) -> Machine:
    """Make ``machine`` the one ``transition_apply`` uses for its model (an app's workflow.py does this)."""
    other = _MACHINES.get(machine.model)
    if other is not None and other is not machine:
        raise RuntimeError(f"{machine.model._meta.label} already has a state machine")
    _MACHINES[machine.model] = machine
    return machine


def machine_for(obj_or_model) -> Machine:
    """The machine registered for a model; the model's app's ``workflow`` module is imported first
    (it registers its machines), so a caller need not have imported it."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    if model not in _MACHINES:
        module = f"{model._meta.app_config.name}.workflow"
        try:
            import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    try:
        return _MACHINES[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no registered state machine") from None


def transition_check(*, actor, obj, code: str) -> Transition:
    return machine_for(obj).check(actor=actor, obj=obj, code=code)


def transition_apply(
    *, actor, obj, code: str, reason: str = "", evidence=None, version: int | None = None, **extra
) -> Move:
    """Take one step on ``obj`` with its model's registered machine (see the module docstring)."""
    return machine_for(obj).apply(
        actor=actor, obj=obj, code=code, reason=reason, evidence=evidence, version=version, **extra
    )


# ---------------------------------------------------------------- many records in one action

BULK_MAX = 500
OUT_OF_SCOPE = "记录不存在或不在您的数据权限范围内"


def scoped_records(actor, model: type[models.Model], ids: Iterable[int], *, queryset=None) -> tuple[list, dict]:
    """The records of ``ids`` the actor may see, in the order given, and ``{id: refusal}`` for the
    others (unknown or another region): a bulk action lists them instead of refusing the lot."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    qs = scope.scoped(actor, queryset if queryset is not None else model)
    found = {o.pk: o for o in qs.filter(pk__in=ids)}
    return [found[i] for i in ids if i in found], {i: OUT_OF_SCOPE for i in ids if i not in found}


def refusal_text(exc: Exception) -> str:
    return "；".join(getattr(exc, "messages", None) or [str(exc)])


def transition_bulk(
    *, actor, records: Iterable[Any], code: str, reason: str = "", evidence=None, limit: int = BULK_MAX, **extra
) -> dict:
    """The step ``code`` on many records at once (选中多条): each record is one ``apply`` with its own
    checks, transaction and audit entry, so one record refused (wrong state, another region, maker ≠
    checker …) is listed with its reason and the others go on — not all-or-nothing. Returns
    ``{"done": [ids], "refused": {id: message}}``."""
    records = list(records)
    if not records:
        raise ValidationError("请选择要办理的记录")
    if len(records) > limit:
        raise ValidationError(f"一次最多办理 {limit} 条")
    done, refused = [], {}
    for obj in records:
        try:
            machine_for(obj).apply(actor=actor, obj=obj, code=code, reason=reason, evidence=evidence, **extra)
        except (ValidationError, PermissionDenied) as exc:
            refused[obj.pk] = refusal_text(exc)
        else:
            done.append(obj.pk)
    return {"done": done, "refused": refused}


def record_bulk(
    *, actor, records: Iterable[Any], code: str, label: str, reason: str = "", limit: int = BULK_MAX, **extra
) -> dict:
    """An act that changes no state (催办) on many records: for each, the machine's write check, then
    its history row and one audit event (``Machine.record``); a record refused is listed with its
    reason and the others go on. Returns ``{"done": [ids], "refused": {id: message}}``."""
    records = list(records)
    if not records:
        raise ValidationError("请选择要办理的记录")
    if len(records) > limit:
        raise ValidationError(f"一次最多办理 {limit} 条")
    done, refused = [], {}
    for obj in records:
        machine = machine_for(obj)
        try:
            if actor is None or getattr(actor, "is_read_only", False):
                raise PermissionDenied("督查账户为只读账户")
            if machine.write_action is not None:
                scope.require_write(actor, obj, machine.write_action)
            machine.record(actor=actor, obj=obj, code=code, label=label, reason=reason, **extra)
        except (ValidationError, PermissionDenied) as exc:
            refused[obj.pk] = refusal_text(exc)
        else:
            done.append(obj.pk)
    return {"done": done, "refused": refused}


def available(obj, user) -> list[Transition]:
    return machine_for(obj).available(obj, user)


# The audit log shows a step's label and its states in words through this machine lookup.
audit_display.machine_lookup_set(machine_for)
