"""Citizen ID numbers never reach a log in full: a query string, a referer or a message that carries
an 18-digit ID is logged as 230123********1234 (the masked form the pages show).

Two places write logs: Django's logging (``IdMaskFilter`` on every handler of settings.LOGGING) and
gunicorn's access log (``MaskingGunicornLogger``, passed by ``zhenxing serve``). nginx masks its own
access log with the map in deploy/nginx-zhenxing.conf.

The masked forms themselves live here too, one function each, so pages, exports, logs and the audit
view (a layer below the registry) show the same: ``mask_id`` and ``mask_phone``, with ``mask_ids``
and ``mask_phones`` for free text (the sample rows the column-mapping wizard keeps in the session)."""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# 6 digits of region, 8 of birth date, 3 of sequence, a check digit or X; not inside a longer number.
ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8})([0-9]{3}[0-9Xx])(?![0-9])")


def mask_id(id_number: str) -> str:
    """The masked form of one ID number, on every page, export and log: the first six and the last
    four characters kept (registry.idnumber.mask is this)."""
    return f"{id_number[:6]}********{id_number[-4:]}"


def mask_phone(phone: str) -> str:
    """The masked form of a phone number, on every page, export and audit view for a reader
    without ``registry.phone.full`` (``registry.services.phone_mask`` is this): ``139****5678``,
    the first three and the last four characters of a number of at least eight; a shorter one is
    hidden whole."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"


def mask_ids(text: str) -> str:
    """Every 18-digit ID number in ``text`` masked (``mask_id``)."""
    return ID_PATTERN.sub(lambda m: mask_id(m.group(0)), text)


# A mobile number (11 digits from 13…19) or a landline with its area code (0xx(x), a hyphen or not,
# 7–8 digits); not inside a longer number.
PHONE_PATTERN = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")


def mask_phones(text: str) -> str:
    """Every phone number in ``text`` masked (``mask_phone``)."""
    return PHONE_PATTERN.sub(lambda m: mask_phone(m.group(0)), text)


class IdMaskFilter(logging.Filter):
    """Masks IDs in the formatted message (and in the traceback text) of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_ids(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_ids(record.exc_text)
        return True


class MaskingGunicornLogger(GunicornLogger):
    """gunicorn's logger with the request line, path, query string and referer masked."""

    def atoms(self, resp, req, environ, request_time):
        found = super().atoms(resp, req, environ, request_time)
        # the request line, path, query, referer and every header and environ atom
        return {k: mask_ids(v) if isinstance(v, str) else v for k, v in found.items()}
