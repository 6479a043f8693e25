"""No full citizen ID number in a log line: Django's logging and gunicorn's access log mask them."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

from zhenxing.lib.logmask import IdMaskFilter, MaskingGunicornLogger, mask_ids

ID = "23272219800101123X"


def test_an_id_is_masked_like_the_pages_show_it_and_other_numbers_are_left():
    assert mask_ids(f"/registry/?q={ID}&page=2") == "/registry/?q=232722********123X&page=2"
    assert mask_ids("id=232722198001011234") == "id=232722********1234"
    # a 19-digit number, a 17-digit one and a household number are not IDs
    for text in ("1232722198001011234", "23272219800101123", "232722200206-0012"):
        assert mask_ids(text) == text


def test_the_logging_filter_masks_the_message_its_arguments_and_the_traceback():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "查询 %s 失败", (ID,), None)
    assert IdMaskFilter().filter(record) is True
    assert record.getMessage() == "查询 232722********123X 失败"
    try:
        raise ValueError(f"bad {ID}")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "出错", (), sys.exc_info())
    IdMaskFilter().filter(record)
    assert ID not in record.exc_text and "232722********123X" in record.exc_text


def test_the_settings_put_the_filter_on_every_handler():
    from django.conf import settings

    for handler in settings.LOGGING["handlers"].values():
        assert "mask_ids" in handler.get("filters", [])


def test_gunicorn_access_log_atoms_are_masked():
    logger = MaskingGunicornLogger(SimpleNamespace(**_cfg()))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/registry/?q={ID}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/registry/",
        "QUERY_STRING": f"q={ID}",
        "HTTP_REFERER": f"https://x/api/v1/households?q={ID}",
        "REMOTE_ADDR": "10.0.0.9",
    }
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    req = SimpleNamespace(headers=[("REFERER", f"https://x/?q={ID}")])
    atoms = logger.atoms(resp, req, environ, dt.timedelta(seconds=0, microseconds=5))
    text = " ".join(str(v) for v in atoms.values())
    assert ID not in text
    assert atoms["r"] == "GET /registry/?q=232722********123X HTTP/1.1"


def _cfg() -> dict:
    from gunicorn.config import Config

    cfg = Config()
    return {name: setting.get() for name, setting in cfg.settings.items()} | {"settings": cfg.settings}
