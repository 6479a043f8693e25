"""Test settings: the same as base, with a fast password hasher (Argon2 itself is tested)."""
from .base import *  # noqa: F401,F403
from .base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"
ALLOW_FLUSH = True  # test databases are flushed between transactional tests
# Background jobs run inside the request (zhenxing/jobs); tests of the other runners say so.
JOB_RUNNER = "inline"
