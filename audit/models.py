"""The append-only audit trail: django-auditlog's model changes and the product's own events."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models


class AuditEvent(models.TextChoices):
    CHANGE = "change", "数据修改"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    DOWNLOAD = "download", "下载"
    IMPORT = "import", "导入"
    DENIED = "denied", "越权访问被拒"
    ADMIN = "admin", "管理操作"
    PASSWORD = "password", "密码修改"


class AuditEntryQuerySet(models.QuerySet):
    """The trail is append-only: no path in the product edits or deletes it
    (on PostgreSQL a trigger refuses it as well; only ``purge_audit`` may delete
    records past the retention period)."""

    def update(self, **kwargs):
        raise PermissionError("审计记录不能修改。")

    def delete(self):
        raise PermissionError("审计记录不能删除。")


class AuditEntry(AbstractLogEntry):
    """One line of the audit trail: django-auditlog writes the model changes
    (before → after), the product writes the events it has none for."""

    event = models.CharField(
        "事件", max_length=20, choices=AuditEvent.choices, default=AuditEvent.CHANGE, db_index=True
    )
    actor_unit = models.CharField("所在单位", max_length=100, blank=True, db_index=True)

    objects = LogEntryManager.from_queryset(AuditEntryQuerySet)()

    class Meta(AbstractLogEntry.Meta):
        db_table = "branches_auditentry"  # the table (and its PostgreSQL trigger) kept its name
        verbose_name = verbose_name_plural = "审计记录"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_purge", False):
            raise PermissionError("审计记录不能修改。")
        if self.actor_id and not self.actor_unit:
            self.actor_unit = self.actor.unit_label[:100]
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不能删除。")
