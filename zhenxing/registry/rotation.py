"""Key rotation for the encrypted ID numbers (``zhenxing rotate-id-key``), batched and restartable."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction

from zhenxing.audit.context import bulk_logged

from . import idnumber
from .models import Member


def rotate_all(
    *, batch: int = 5000, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """(re-encrypted, already under the newest key). Each batch commits on its own: an interrupted
    run leaves every row readable (old keys stay configured until the check reports zero)."""
    newest = Fernet(settings.ID_ENCRYPTION_KEYS[0].encode())
    fernet = idnumber.fernet()
    rotated = current = 0
    last = 0
    while True:
        rows = list(Member.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "id_cipher")[:batch])
        if not rows:
            break
        last = rows[-1][0]
        stale = []
        for pk, cipher in rows:
            try:
                newest.decrypt(cipher.encode())
                current += 1
            except InvalidToken:
                stale.append(Member(pk=pk, id_cipher=fernet.rotate(cipher.encode()).decode()))
        rotated += len(stale)
        if stale and not dry_run:
            with transaction.atomic(), bulk_logged():
                Member.objects.bulk_update(stale, ["id_cipher"], batch_size=1000)
        if progress:
            progress(len(rows))
    return rotated, current


def keys_check(*, using: str = "default", sample: int = 50) -> tuple[int, int, int]:
    """(checked, undecryptable, hash mismatches) over a sample of members: the oldest and the newest
    ``sample // 2`` rows each (the oldest are the likeliest to be under a retired key).

    Used after a restore (core/backup.py): a ciphertext the configured ID_ENCRYPTION_KEYS cannot
    decrypt, or a keyed hash that ID_HASH_KEY does not reproduce, means the keys are not the ones
    the data was written with."""
    members = Member.objects.using(using).order_by("pk").values_list("pk", "id_cipher", "id_hash")
    half = max(sample // 2, 1)
    rows = {pk: (cipher, hashed) for pk, cipher, hashed in [*members[:half], *members.reverse()[:half]]}
    fernet = idnumber.fernet()
    undecryptable = mismatched = 0
    for cipher, hashed in rows.values():
        try:
            plain = fernet.decrypt(cipher.encode()).decode()
        except InvalidToken:
            undecryptable += 1
            continue
        if idnumber.id_hash(plain) != hashed:
            mismatched += 1
    return len(rows), undecryptable, mismatched
