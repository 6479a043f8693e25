"""导入列映射 pages: the saved mappings, and the wizard that makes one from a sample file.

The wizard reads the uploaded file's header row and its first ten rows only (ID numbers and phone
numbers masked), keeps them in the session (never the file), proposes a template column for each source header
(exact and alias matches first), shows the ten rows mapped as the user changes the drop-downs and
value maps, and saves the result under a name (a new version when the name exists)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.accounts.models import Role
from zhenxing.lib.logmask import mask_ids, mask_phone, mask_phones
from zhenxing.lib.mapping import MappingError, mapping_parse, mapping_propose
from zhenxing.lib.tabular import Unreadable, cell_text, check_size, read_rows

from . import services
from .kinds import import_kind, import_kinds
from .selectors import builtin_mappings, mappings_latest, mappings_visible

SAMPLE_ROWS = 10
DRAFT = "mapping_draft"

# Every staff role opens it (from the import pages); the menu lists it for the offices that import
# other bodies' files (a village cadre's menu stays short: the household import page links to it).
PAGE_RULES = scope.page_rules(
    {
        "mappings.home": scope.PageRule(
            menu=frozenset(
                {
                    Role.PREFECTURE_ADMIN,
                    Role.SYSTEM_ADMIN,
                    Role.COUNTY_STAFF,
                    Role.TOWNSHIP_STAFF,
                    Role.DEPARTMENT_STAFF,
                }
            )
        )
    }
)


def _header_row(rows: list[list], kind) -> int:
    """The header row of a sample: the first of 15 rows with most non-blank text cells that match
    a template header, else the first row with three or more text cells."""
    best, best_at = -1, 0
    for i, cells in enumerate(rows[:15]):
        hits = sum(1 for c in cells if kind.layout.canonical(c) in kind.layout.headers)
        if hits > best:
            best, best_at = hits, i
    if best > 0:
        return best_at
    return next((i for i, cells in enumerate(rows[:15]) if sum(1 for c in cells if cell_text(c)) >= 3), 0)


PHONE_WORDS = ("电话", "手机", "联系方式")


def _sample_masked(headers: list[str], columns: dict[str, str], rows: list[list]) -> list[list[str]]:
    """The sample rows as the session keeps and the preview shows them: ID numbers and phone numbers
    masked anywhere (``lib.logmask``), and a phone column's cells masked whole (a number the pattern
    does not know, +86…). Masking a masked row changes nothing."""
    phone = [any(word in f"{h}{columns.get(h, '')}" for word in PHONE_WORDS) for h in headers]
    out = []
    for r in rows:
        cells = [mask_phones(mask_ids(cell_text(c))) for c in r]
        out.append([mask_phone(c) if j < len(phone) and phone[j] else c for j, c in enumerate(cells)])
    return out


@staff_view(page="mappings.home")
def mapping_home(request):
    may_save = scope.can_write(request.user, request.user.region, "mappings.mapping.save")
    kinds = import_kinds()
    saved = [
        {"m": m, "label": kinds[m.kind].label if m.kind in kinds else m.kind} for m in mappings_latest(request.user)
    ]
    builtin = [{"kind": k, "label": kinds[k].label if k in kinds else k, "name": n} for k, n, _ in builtin_mappings()]
    error = ""
    if request.method == "POST":
        if not may_save:
            raise PermissionDenied("您的角色无权保存导入列映射")
        kind_code = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        try:
            kind = import_kind(kind_code)
            if upload is None:
                raise MappingError("请选择一个样例文件")
            check_size(upload.size)
            rows = read_rows(upload.read(), upload.name)
        except (MappingError, Unreadable) as exc:
            error = str(exc)
        else:
            at = _header_row(rows, kind)
            headers = [cell_text(c) for c in rows[at]] if rows else []
            columns = mapping_propose(headers, kind.layout)
            request.session[DRAFT] = {
                "kind": kind.code,
                "headers": headers,
                "sample": _sample_masked(headers, columns, rows[at + 1 : at + 1 + SAMPLE_ROWS]),
                "columns": columns,
                "values": {},
                "name": upload.name.rsplit(".", 1)[0][:80],
            }
            return redirect("mappings:draft")
    return render(
        request,
        "mappings/home.html",
        {"saved": saved, "builtin": builtin, "kinds": kinds.values(), "may_save": may_save, "error": error},
    )


def _values_text(table: dict) -> str:
    return "\n".join(f"{k}={v}" for k, v in table.items())


def _values_parse(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        if "=" in line:
            source, target = line.split("=", 1)
            if source.strip():
                out[source.strip()] = target.strip()
    return out


@staff_view(page="mappings.home")
def mapping_draft(request):
    draft = request.session.get(DRAFT)
    if not draft:
        messages.info(request, "请先上传一个样例文件。")
        return redirect("mappings:home")
    kind = import_kind(draft["kind"])
    error = ""
    # a draft kept before phones were masked, or a column just mapped to the phone: masked again
    draft["sample"] = _sample_masked(draft["headers"], draft["columns"], draft["sample"])
    request.session[DRAFT] = draft
    if request.method == "POST":
        draft["columns"] = {h: request.POST.get(f"col-{i}", "") for i, h in enumerate(draft["headers"]) if h}
        draft["sample"] = _sample_masked(draft["headers"], draft["columns"], draft["sample"])
        draft["values"] = {
            t: v for t in kind.layout.headers if (v := _values_parse(request.POST.get(f"values-{t}", "")))
        }
        draft["name"] = request.POST.get("name", draft["name"]).strip()
        request.session[DRAFT] = draft
        if request.POST.get("action") == "save":
            definition = {"columns": {s: t for s, t in draft["columns"].items() if t}, "values": draft["values"]}
            try:
                saved = services.mapping_save(
                    actor=request.user, kind=kind.code, name=draft["name"], definition=definition
                )
            except MappingError as exc:
                error = str(exc)
            else:
                del request.session[DRAFT]
                messages.success(request, f"已保存映射“{saved.name}”第{saved.version}版，导入时即可选用。")
                return redirect("mappings:home")
    mapping = mapping_parse({"columns": {s: t for s, t in draft["columns"].items() if t}, "values": draft["values"]})
    layout = mapping.layout(kind.layout)
    targets = [layout.canonical(h) if h else "" for h in draft["headers"]]
    used = [t for t in kind.layout.headers if t in targets]
    preview = []
    for cells in draft["sample"]:
        row = {}
        for j, target in enumerate(targets):
            if target in used and target not in row:
                text = cells[j] if j < len(cells) else ""
                row[target] = layout.values.get(target, {}).get(text, text)
        preview.append([row.get(t, "") for t in used])
    columns = [
        {
            "i": i,
            "header": h,
            "target": draft["columns"].get(h, ""),
            "sample": [r[i] for r in draft["sample"] if i < len(r) and r[i]][:3],
        }
        for i, h in enumerate(draft["headers"])
        if h
    ]
    return render(
        request,
        "mappings/draft.html",
        {
            "kind": kind,
            "columns": columns,
            "templates": kind.layout.headers,
            "used": used,
            "preview": preview,
            "missing": [t for t in kind.layout.headers if t not in used],
            "values": [{"target": t, "text": _values_text(draft["values"].get(t, {}))} for t in used],
            "name": draft["name"],
            "error": error,
        },
    )


@staff_view(page="mappings.home")
def mapping_export(request, pk: int):
    saved = mappings_visible(request.user).filter(pk=pk).first()
    if saved is None:
        from django.http import Http404

        raise Http404("找不到该映射")
    body = json.dumps(
        {"name": saved.name, "kind": saved.kind, "version": saved.version, **saved.definition},
        ensure_ascii=False,
        indent=2,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mapping-{saved.pk}.json"'
    return response


@staff_view(page="mappings.home", write="mappings.mapping.save")
@require_POST
def mapping_import(request):
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise MappingError("请选择映射 JSON 文件")
        if upload.size > 1024 * 1024:
            raise MappingError("映射文件不能超过 1MB")
        try:
            obj = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise MappingError("映射文件不是有效的 UTF-8 JSON") from None
        mapping = mapping_parse(obj)
        name = (request.POST.get("name") or obj.get("name") or "").strip()
        kind = request.POST.get("kind") or obj.get("kind") or ""
        saved = services.mapping_save(actor=request.user, kind=kind, name=name, definition=mapping.as_json())
    except MappingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已导入映射“{saved.name}”第{saved.version}版。")
    return redirect("mappings:home")
