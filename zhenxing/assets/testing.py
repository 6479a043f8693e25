"""Factories for asset tests."""

from __future__ import annotations

import datetime as dt
import itertools

from . import services
from .models import Asset

_seq = itertools.count(1)


def make_asset(
    project,
    *,
    asset_class: str = "public_benefit",
    handed_over_on: dt.date = dt.date(2022, 11, 1),
    maintainer: str = "村集体经济组织",
    **fields,
) -> Asset:
    values = {
        "code": f"ZC{next(_seq):06d}",
        "name": "村内道路",
        "asset_class": asset_class,
        "value": 300000,
        "owner_kind": "village_collective",
        "owner_name": f"{project.village.name}集体经济组织",
        "title_document": "塔资确〔2022〕1号",
        "title_date": handed_over_on,
        "handed_over_on": handed_over_on,
        "maintainer": maintainer,
        "operator": "村集体经济组织" if asset_class == "income_generating" else "",
    }
    values.update(fields)
    return services.asset_register(actor=None, project=project, **values)
