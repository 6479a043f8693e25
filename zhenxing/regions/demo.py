from __future__ import annotations

from .selectors import PLAN_COUNTIES
from .services import region_office_phones_sample, regions_load_builtin

# Sample office phones for the public portal: the real numbers are not known to us, so these are
# shown with 示例 until a prefecture admin enters the real ones on the region page.
SAMPLE_OFFICE_PHONES = dict(
    zip(PLAN_COUNTIES, ["0457-2900001", "0457-3500001", "0457-3600001", "0457-2100001"], strict=False)
)


def load(*, out) -> None:
    r = regions_load_builtin()
    out.write(f"行政区划：新增 {r.created}，更新 {r.updated}，未变 {r.unchanged}\n")
    filled = region_office_phones_sample(SAMPLE_OFFICE_PHONES)
    if filled:
        out.write(f"县级办公电话（示例）：{filled} 个\n")
