from __future__ import annotations

from pathlib import Path

import pytest


def pytest_configure(config):
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def w(db):
    """The named people of zhenxing/testing.py."""
    from zhenxing.testing import make_world

    return make_world()


@pytest.fixture
def login(client):
    """``login(user)`` returns a client logged in as ``user``."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
