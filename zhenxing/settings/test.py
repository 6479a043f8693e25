"""Test settings: the same as base, with a fast password hasher (Argon2 itself is tested)."""

import os

from .base import *  # noqa: F401,F403
from .base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# pytest-xdist's workers (gw0, gw1) each get their own folder: one worker's clean-up never
# removes the other's files.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
MEDIA_ROOT = VAR_DIR / (f"test-media-{_WORKER}" if _WORKER else "test-media")
ALLOW_FLUSH = True  # test databases are flushed between transactional tests
# Background jobs run inside the request (zhenxing/jobs); tests of the other runners say so.
JOB_RUNNER = "inline"
