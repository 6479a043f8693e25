"""The one job table: every piece of background work (imports, runs, reports, snapshot refreshes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


# A user sees the jobs they requested; administrators see every job of their region's subtree.
@scope.register(region="region", departments="region", owner="requested_by")
class Job(models.Model):
    kind = models.CharField(_("类型"), max_length=64)  # a registered kind, e.g. "registry.import"
    label = models.CharField(_("任务"), max_length=200)  # what it does, in words
    payload = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    stage = models.CharField(_("当前步骤"), max_length=100, blank=True)
    done = models.PositiveBigIntegerField(_("已完成"), default=0)
    total = models.PositiveBigIntegerField(_("总量"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    # The token of the uploaded file the job works on (jobs/storage.py); the file is deleted when
    # the job ends, the token stays so the page that started the job can find it again.
    upload = models.CharField(_("上传文件"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # Refreshed every JOB_HEARTBEAT_SECONDS while the job runs: a job 运行中 whose heartbeat is
    # older than two intervals lost its process and is marked failed (services.jobs_mark_stale).
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    worker = models.CharField(_("执行进程"), max_length=100, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    # Progress and heartbeats are written with update() and not captured; results can be large.
    audit_exclude = {"result", "heartbeat_at"}

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="job_state_created")]

    def __str__(self) -> str:
        return f"{self.label} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0

    @property
    def duration(self):
        """How long it ran (so far), or None before it started."""
        if self.started_at is None:
            return None
        from django.utils import timezone

        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def duration_text(self) -> str:
        """用时 in words: "2 分 5 秒"; empty before the job started."""
        if self.duration is None:
            return ""
        seconds = max(int(self.duration.total_seconds()), 0)
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            return f"{hours} 小时 {minutes} 分"
        return f"{minutes} 分 {seconds} 秒" if minutes else f"{seconds} 秒"
