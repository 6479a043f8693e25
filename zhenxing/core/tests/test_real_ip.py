from django.test import override_settings

from zhenxing.audit.models import AuditEntry
from zhenxing.testing import PASSWORD


def login_from(client, *, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    client.post("/accounts/login/", {"username": "t-fendou", "password": PASSWORD}, **extra)
    return AuditEntry.objects.filter(action="login").latest("id").ip


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_client_address_comes_from_the_trusted_proxy(client, w):
    assert login_from(client, remote="127.0.0.1", forwarded="6.6.6.6, 10.2.3.4") == "10.2.3.4"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_header_from_an_untrusted_client_is_ignored(client, w):
    assert login_from(client, remote="10.9.9.9", forwarded="1.2.3.4") == "10.9.9.9"


def test_without_trusted_proxies_the_header_is_ignored(client, w):
    assert login_from(client, remote="127.0.0.1", forwarded="10.2.3.4") == "127.0.0.1"
