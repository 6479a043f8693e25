"""Key rotation for the encrypted ID numbers (``zhenxing rotate-id-key``), batched and restartable."""
from __future__ import annotations

from typing import Callable

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction

from zhenxing.audit.context import bulk_logged

from . import idnumber
from .models import Member


def rotate_all(*, batch: int = 5000, dry_run: bool = False,
               progress: Callable[[int], None] | None = None) -> tuple[int, int]:
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
