"""A job's uploaded file, kept encrypted under MEDIA_ROOT/jobs/ until the job ends or it expires.

An upload is stored when the page receives it (``upload_save``) and gets a token; the page may
read it for a preview, then hands the token to ``services.job_enqueue(upload=...)``. The file
is deleted when the job ends (done or failed) and, if no job ever took it, after
``JOB_UPLOAD_HOURS`` (``uploads_sweep``, run by the worker and the job pages).

Files are written with mode 600 in a mode-700 folder and encrypted with AES-GCM in 1 MiB
chunks under a key derived from the newest ``ID_ENCRYPTION_KEYS`` key (HKDF), so the plain
ID numbers of a household file never rest on disk. Nothing here needs a backup: an upload
lives for hours at most.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"ZXJOB1"
CHUNK = 1 << 20
TOKEN = re.compile(r"^[0-9a-f]{32}$")


class UploadMissing(Exception):
    """The upload expired or was never stored (Chinese message)."""


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _keys() -> list[tuple[bytes, bytes]]:
    """(key id, AES key) per ID key, newest first."""
    out = []
    for raw in settings.ID_ENCRYPTION_KEYS:
        material = base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4))
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"zhenxing job upload").derive(material)
        out.append((hashlib.sha256(key).digest()[:8], key))
    return out


def _write(path: Path, chunks: Iterable[bytes]) -> int:
    key_id, key = _keys()[0]
    aes = AESGCM(key)
    tmp = path.with_suffix(path.suffix + ".tmp")
    size = 0
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(MAGIC + key_id)
        index, pending = 0, b""
        for chunk in _rechunk(chunks):
            if pending:
                _seal(out, aes, index, pending, last=False)
                index += 1
            pending = chunk
            size += len(chunk)
        _seal(out, aes, index, pending, last=True)
    tmp.replace(path)
    return size


def _rechunk(chunks: Iterable[bytes]) -> Iterator[bytes]:
    buf = bytearray()
    for chunk in chunks:
        buf += chunk
        while len(buf) >= CHUNK:
            yield bytes(buf[:CHUNK])
            del buf[:CHUNK]
    if buf:
        yield bytes(buf)


def _seal(out, aes: AESGCM, index: int, data: bytes, *, last: bool) -> None:
    nonce = secrets.token_bytes(12)
    sealed = aes.encrypt(nonce, data, index.to_bytes(8, "big") + (b"\1" if last else b"\0"))
    out.write(len(sealed).to_bytes(4, "big") + nonce + sealed)


def _read(path: Path) -> Iterator[bytes]:
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise UploadMissing("上传的文件已过期或不存在，请重新上传") from None
    with fh:
        head = fh.read(len(MAGIC) + 8)
        keys = dict(_keys())
        if head[: len(MAGIC)] != MAGIC or head[len(MAGIC) :] not in keys:
            raise UploadMissing("上传的文件无法解密（密钥已更换），请重新上传")
        aes = AESGCM(keys[head[len(MAGIC) :]])
        index, last = 0, False
        while size := fh.read(4):
            nonce, sealed = fh.read(12), fh.read(int.from_bytes(size, "big"))
            last = fh.peek(1)[:1] == b""
            try:
                yield aes.decrypt(nonce, sealed, index.to_bytes(8, "big") + (b"\1" if last else b"\0"))
            except InvalidTag:
                raise UploadMissing("上传的文件已损坏，请重新上传") from None
            index += 1
        if not last:  # cut short: the final chunk never came
            raise UploadMissing("上传的文件已损坏，请重新上传")


def _paths(token: str) -> tuple[Path, Path]:
    if not TOKEN.match(token or ""):
        raise UploadMissing("上传的文件已过期或不存在，请重新上传")
    base = folder()
    return base / f"{token}.data", base / f"{token}.meta"


def upload_save(*, user, filename: str, chunks: Iterable[bytes], meta: dict | None = None) -> str:
    """Store an upload (encrypted, mode 600); its token. ``meta`` is kept with it (encrypted too)."""
    token = secrets.token_hex(16)
    data, info = _paths(token)
    size = _write(data, chunks)
    _write(
        info,
        [
            json.dumps(
                {**(meta or {}), "user": user.pk if user else None, "filename": filename, "size": size},
                ensure_ascii=False,
            ).encode()
        ],
    )
    return token


def upload_meta(token: str, *, user=None) -> dict | None:
    """The upload's metadata, or None when it is gone or (with ``user``) belongs to someone else."""
    try:
        meta = json.loads(b"".join(_read(_paths(token)[1])))
    except UploadMissing:
        return None
    if user is not None and meta.get("user") != user.pk:
        return None
    return meta


def upload_meta_save(token: str, meta: dict) -> None:
    _write(_paths(token)[1], [json.dumps(meta, ensure_ascii=False).encode()])


def upload_bytes(token: str) -> bytes:
    return b"".join(_read(_paths(token)[0]))


def upload_copy(token: str, path: Path) -> Path:
    """Decrypt the upload into ``path`` (mode 600; the caller's temporary folder) for a reader
    that needs a file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in _read(_paths(token)[0]):
            out.write(chunk)
    return path


def upload_delete(token: str) -> None:
    if not TOKEN.match(token or ""):
        return
    for path in _paths(token):
        path.unlink(missing_ok=True)
        path.with_suffix(path.suffix + ".tmp").unlink(missing_ok=True)


def uploads_sweep(*, now: float | None = None) -> list[str]:
    """Delete uploads older than JOB_UPLOAD_HOURS that no queued or running job holds."""
    from .models import ACTIVE_STATES, Job

    cutoff = (now or time.time()) - settings.JOB_UPLOAD_HOURS * 3600
    old = {p.name.split(".", 1)[0] for p in folder().iterdir() if p.stat().st_mtime < cutoff}
    if not old:
        return []
    held = set(Job.objects.filter(upload__in=old, state__in=ACTIVE_STATES).values_list("upload", flat=True))
    gone = sorted(t for t in old - held if TOKEN.match(t))
    for token in gone:
        upload_delete(token)
    return gone
