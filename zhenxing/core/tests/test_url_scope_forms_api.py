"""The URL walk's second half (test_url_scope.py explains the walk): list pages open for every
person, page forms and API writes refuse ids outside the caller's scope and write nothing, every API
operation on a record outside it answers 404. A file of its own so that it runs beside the first
half on the other worker (--dist loadfile)."""

from __future__ import annotations

from .test_url_scope import (  # noqa: F401 - scope_world is a fixture
    check_api_detail_operations_answer_404_outside_scope,
    check_api_write_operations_answer_404_outside_scope,
    check_api_writes_refuse_body_ids_outside_scope,
    check_list_pages_open_for_every_person,
    check_page_forms_refuse_ids_outside_scope,
    scope_world,
)


def test_list_pages_open_for_every_person(client, scope_world):  # noqa: F811
    check_list_pages_open_for_every_person(client, scope_world)


def test_page_forms_refuse_ids_outside_scope(client, scope_world):  # noqa: F811
    check_page_forms_refuse_ids_outside_scope(client, scope_world)


def test_api_detail_operations_answer_404_outside_scope(client, scope_world):  # noqa: F811
    check_api_detail_operations_answer_404_outside_scope(client, scope_world)


def test_api_write_operations_answer_404_outside_scope(client, scope_world):  # noqa: F811
    check_api_write_operations_answer_404_outside_scope(client, scope_world)


def test_api_writes_refuse_body_ids_outside_scope(client, scope_world):  # noqa: F811
    check_api_writes_refuse_body_ids_outside_scope(client, scope_world)
