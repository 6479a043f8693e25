"""A service's ValidationError reaches the page: on the named field, else on top of the form or
among the page's messages."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError

from zhenxing.lib.forms import service_errors_to_form, service_errors_to_messages


class AmountForm(forms.Form):
    amount = forms.IntegerField()


def _form():
    form = AmountForm({"amount": "5"})
    assert form.is_valid()
    return form


def _request(rf):
    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_named_field_gets_its_message_and_others_go_on_top():
    form = _form()
    service_errors_to_form(form, ValidationError({"amount": "金额超出", "village": "村不存在"}))
    assert form.errors["amount"] == ["金额超出"]
    assert form.non_field_errors() == ["村不存在"]


def test_a_plain_error_goes_on_top_of_the_form():
    form = _form()
    service_errors_to_form(form, ValidationError(["已被他人修改", "请刷新"]))
    assert form.non_field_errors() == ["已被他人修改", "请刷新"]


def test_with_a_request_the_leftovers_become_messages(rf):
    request, form = _request(rf), _form()
    service_errors_to_form(form, ValidationError({"amount": "金额超出", "__all__": "任务已关闭"}), request=request)
    assert form.errors["amount"] == ["金额超出"]
    assert not form.non_field_errors()
    assert [str(m) for m in get_messages(request)] == ["任务已关闭"]


def test_messages_take_every_message_or_the_exception_text(rf):
    request = _request(rf)
    service_errors_to_messages(request, ValidationError({"a": ["一"], "b": ["二"]}))
    service_errors_to_messages(request, ValueError("年度无效"))
    assert [str(m) for m in get_messages(request)] == ["一", "二", "年度无效"]
