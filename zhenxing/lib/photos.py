"""Photos sent inside a JSON body (the field app queues its writes as JSON: a photo is a JPEG the
phone resized, base64-encoded, optionally as a ``data:`` URL). Decoded here into files the
services store and check like an upload (extension, magic bytes, size)."""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

MAX_PHOTOS = 6


def photo_files(photos: list[str], *, field: str = "photos") -> list[ContentFile]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({field: [f"一次最多上传 {MAX_PHOTOS} 张照片"]})
    files = []
    for n, text in enumerate(photos, start=1):
        _, _, data = text.rpartition(",") if text.startswith("data:") else ("", "", text)
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({field: [f"第 {n} 张照片的数据无效，请重新拍摄"]}) from None
        ext = "png" if raw.startswith(b"\x89PNG") else "jpg"
        files.append(ContentFile(raw, name=f"照片{n}.{ext}"))
    return files
