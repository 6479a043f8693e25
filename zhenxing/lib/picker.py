"""Searchable pickers: the one mechanism for choosing a household, a person, a unit or a region by
typing instead of scrolling a long ``<select>``.

Three parts, one home each:

- the autocomplete operations (``zhenxing/core/pickers.py``, ``/api/v1/pick/...``, GET and the
  same as POST with a JSON body): scoped by ``accounts.scope``, paged by ``lib.pagination`` (keyset
  on id), answering ``PickOut`` rows that never carry a full ID number (only the masked form);
- the form widgets here: ``PickerInput`` (one text input carrying the form's own field name and
  value, with ``data-picker-*`` attributes) and ``RegionCascade`` (县 → 乡 → 村 selects);
- the browser side, ``static/zhenxing/picker.js`` (vanilla, vendored, no CDN), which turns the
  input into a type-to-search box (searching by POST, so typed ID numbers stay out of URLs and
  logs) and posts the same name and value the form always took.

Validation stays where it was: the form field's scoped queryset (``scope.choices``) refuses a
posted id outside the user's scope exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from ninja import Schema

# A picker asks for a short page; the list contract (lib.pagination) still bounds it at 500.
PICK_LIMIT = 20
# A choice among this many or fewer stays a plain select (a village cadre's one village); a longer
# list is searched (``searchable``). Far below the 200 options no page may exceed.
SELECT_MAX = 50
QUERY_MAX = 32


class PickOut(Schema):
    """One suggestion: ``id`` (the record's key), ``code`` (户编号 or 区划代码, when it has one),
    what the box shows (``label``) and a second line (``detail``; ID numbers only masked)."""

    id: int
    code: str
    label: str
    detail: str


def query_text(q: str) -> str:
    """The typed query, trimmed and bounded ("" when empty: no filter)."""
    return " ".join((q or "").split())[:QUERY_MAX]


def is_digits(q: str) -> bool:
    """A query of digits (a trailing X allowed, as in an ID number's check digit)."""
    body = q[:-1] if q[-1:] in {"x", "X"} else q
    return bool(body) and body.isdigit()


class PickerInput(forms.TextInput):
    """A text input for a field that takes one record: posts the record's id (``value="id"``) or
    its code (``value="code"``: a 户编号 field), under the form's own field name. ``url_name`` is the
    autocomplete operation (``api:pick_households`` …); ``params`` narrows it (``{"region": code}``).
    Without JavaScript it stays a plain input that takes the id or code."""

    def __init__(
        self,
        url_name: str,
        *,
        value: str = "id",
        params: dict[str, str] | None = None,
        placeholder: str = "输入姓名、户编号或身份证号后几位",
        attrs: dict[str, Any] | None = None,
    ):
        super().__init__(attrs={"autocomplete": "off", "placeholder": placeholder, **(attrs or {})})
        self.url_name = url_name
        self.value_key = value
        self.params = dict(params or {})
        self.label_of: Callable[[Any], str] | None = None

    def current_label(self, value) -> str:
        """The words shown for the value a bound or initial form carries."""
        if value in (None, ""):
            return ""
        choices = getattr(self, "choices", None)
        queryset = getattr(choices, "queryset", None)
        if queryset is not None and self.value_key == "id":
            try:
                obj = queryset.filter(pk=value).first()
            except (ValueError, TypeError):
                obj = None
            # a value outside the choices (another region's id) is not named; the form refuses it
            return choices.field.label_from_instance(obj) if obj is not None else ""
        return self.label_of(value) if self.label_of else str(value)

    def format_value(self, value):
        if hasattr(value, "pk"):  # a model instance as initial
            value = value.pk
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["value"]
        url = reverse(self.url_name)
        if self.params:
            from urllib.parse import urlencode

            url = f"{url}?{urlencode(self.params)}"
        context["widget"]["attrs"].update(
            {
                "data-picker-url": url,
                "data-picker-value": self.value_key,
                "data-picker-label": self.current_label(shown),
            }
        )
        return context


class RegionCascade(forms.Widget):
    """County → township → village selects for a region filter (``?region=<code>``), never a typed
    code. Every select carries the field's name and the last one wins (Django reads the last
    value), so it works without JavaScript (pick, press 查询, the next level appears); picker.js
    fills the next level at once and posts only the deepest choice.

    ``levels(code)`` is given by the form: for the chosen code, the list of
    ``(chosen_code, [(code, name), ...])`` from the user's own node down (each list the children
    of the node chosen above it), plus a last list of the chosen node's children."""

    def __init__(self, *, levels: Callable[[str], list] | None = None, url_name: str = "api:pick_regions", attrs=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.levels: Callable[[str], list[tuple[str, str, list[tuple[str, str]]]]] = levels or (lambda code: [])

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**self.attrs, **(attrs or {})}
        selects = []
        for i, (chosen, parent_code, options) in enumerate(self.levels(value or "")):
            if not options:
                continue
            select_id = attrs.get("id", f"id_{name}") + ("" if i == 0 else f"_{i}")
            rows = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((code, " selected" if code == chosen else "", label) for code, label in options),
            )
            selects.append(
                format_html(
                    '<select name="{}" id="{}" aria-label="{}"><option value="{}">{}</option>{}</select>',
                    name,
                    select_id,
                    "选择区划" if i == 0 else "选择下一级区划",
                    parent_code,
                    "全部" if i == 0 else "（本级全部）",
                    rows,
                )
            )
        if not selects:  # a village account: nothing below to choose
            return format_html('<span class="region-cascade muted">{}</span>', "本级（无下级区划）")
        return format_html(
            '<span class="region-cascade" data-cascade-url="{}" data-cascade-name="{}">{}</span>',
            reverse(self.url_name),
            name,
            format_html_join("", "{}", ((s,) for s in selects)),
        )

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [v for v in values if v]
        return values[-1] if values else ""


def cascade_levels(
    chain: list[Any], children: Callable[[Any], Iterable[Any]]
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The selects of a ``RegionCascade``: ``chain`` is the user's node followed by the chosen
    nodes below it (root first); ``children(node)`` the node's children in scope. Each select lists
    a node's children, marks the one chosen and offers "all of it" with the node's own code (the
    first with "", no filter)."""
    levels = []
    for i, node in enumerate(chain):
        chosen = chain[i + 1].code if i + 1 < len(chain) else ""
        options = [(c.code, getattr(c, "display_name", c.name)) for c in children(node)]
        levels.append((chosen, "" if i == 0 else node.code, options))
    return levels


def region_filter_field(levels: Callable[[str], list], *, label: str = "区划") -> forms.CharField:
    """The ``region`` field of a list's filter form as a cascade (``levels``: ``scope.region_levels``
    bound to the user). The page itself reads the code with ``scope.region_param`` (404 outside
    the scope), so the field only shows the choice."""
    return forms.CharField(label=label, required=False, max_length=12, widget=RegionCascade(levels=levels))


def searchable(
    field: forms.ModelChoiceField,
    url_name: str,
    *,
    params: dict[str, str] | None = None,
    placeholder: str = "输入名称查找",
    threshold: int = SELECT_MAX,
) -> forms.ModelChoiceField:
    """Turn a record field's select into a picker when its (scoped) queryset is longer than
    ``threshold``; validation stays the field's queryset. Call after the queryset is set."""
    if field.queryset.count() > threshold:
        widget = PickerInput(url_name, params=params, placeholder=placeholder)
        widget.is_required = field.required
        field.widget = widget
        widget.choices = field.choices
    return field
