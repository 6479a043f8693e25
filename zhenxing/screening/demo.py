"""Demo: small department feeds for demo households in several villages and counties, one run as of
today. Feed dates count back from ``timezone.localdate()`` at load time (settlements, appraisals
and events of the last months), so the alerts are what a run on the day would raise."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

from django.utils import timezone

from zhenxing.accounts.models import User
from zhenxing.registry import idnumber
from zhenxing.registry.models import Household

from . import alerts as alert_writes
from . import feed_specs, services
from .models import Alert, AlertState, FeedFile

# days before today: 医保结算, 住房鉴定, 低保 start, 灾害, 饮水问题, 死亡
DAYS_AGO = {"medical": 50, "housing": 90, "civil": 40, "disaster": 30, "water": 60, "death": 300}
FENDOU = "232722200206"  # 奋斗村
# 奋斗村、永丰村、开库康村（塔河县）和呼玛县的一个示例村
VILLAGES = [FENDOU, "232722200208", "232722104201", "232721100201"]


def _rows(today: dt.date) -> dict[str, list[dict]]:
    def ago(source: str) -> str:
        return (today - dt.timedelta(days=DAYS_AGO[source])).isoformat()

    out: dict[str, list[dict]] = {s: [] for s in feed_specs.SPECS}
    serial = 0
    for code in VILLAGES:
        households = list(Household.objects.filter(village__code=code).order_by("number")[:4])
        for i, h in enumerate(households):
            members = list(h.members.order_by("id"))
            if not members:
                continue
            first = idnumber.decrypt(members[0].id_cipher)
            if i == 0:
                serial += 1
                out["medical"].append(
                    {
                        "结算流水号": f"DEMO{serial:06d}",
                        "身份证号": first,
                        "姓名": members[0].name,
                        "结算日期": ago("medical"),
                        "医疗总费用": "80000.00",
                        "基本医保支付": "30000.00",
                        "大病保险支付": "8000.00",
                        "医疗救助支付": "2000.00",
                        "个人负担": "40000.00",
                    }
                )
            elif i == 1:
                out["housing"].append({"身份证号": first, "鉴定日期": ago("housing"), "鉴定等级": "C"})
            elif i == 2:
                out["civil"].append(
                    {
                        "身份证号": first,
                        "姓名": members[0].name,
                        "救助类型": "低保",
                        "状态": "在保",
                        "开始日期": ago("civil"),
                        "金额": "350.00",
                    }
                )
            else:
                out["disaster"].append(
                    {"身份证号": first, "灾害类型": "洪涝", "损失金额": "30000.00", "发生日期": ago("disaster")}
                )
    out["water"].append({"村代码": FENDOU, "问题类型": "水质", "发现日期": ago("water"), "状态": "未整改"})
    out["death"].append(
        {"身份证号": idnumber.make(region="232799", seq=7), "姓名": "外地人员", "死亡日期": ago("death")}
    )
    return out


def load(*, out) -> None:
    if not Household.objects.filter(village__code=FENDOU).exists():
        out.write("部门筛查：无户籍演示数据，跳过\n")
        return
    today = timezone.localdate()
    imported = 0
    with tempfile.TemporaryDirectory(prefix="zx-demo-") as tmp:
        for source, rows in _rows(today).items():
            if not rows or FeedFile.objects.filter(source=source).exists():
                continue
            path = Path(tmp) / f"{source}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=feed_specs.SPECS[source].headers)
                writer.writeheader()
                writer.writerows(rows)
            result, _ = services.feed_import(actor=None, source=source, path=path, file_name=f"演示-{source}.csv")
            imported += result.new
    if not Alert.objects.exists():
        services.run_here(actor=None, as_of=today)  # on the job queue, so the demo's 后台任务 page has it
        tahe = User.objects.filter(username="demo-tahe").first()
        fendou = User.objects.filter(username="demo-fendou").first()
        if tahe is not None:
            for alert in Alert.objects.filter(state=AlertState.NEW, village__code__in=VILLAGES[:2])[:3]:
                alert_writes.alert_transition(actor=tahe, alert=alert, action="issue")
            if fendou is not None:
                alert = Alert.objects.filter(state=AlertState.ISSUED, village__code=FENDOU).first()
                if alert is not None:
                    alert_writes.alert_transition(actor=fendou, alert=alert, action="start")
    out.write(f"部门筛查：导入演示记录 {imported} 条，预警 {Alert.objects.count()} 条\n")
