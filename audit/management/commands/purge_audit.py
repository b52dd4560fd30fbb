from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEntry, AuditEvent
from audit.services import audit_record


class Command(BaseCommand):
    help = "删除早于指定日期的审计记录；保存期（AUDIT_RETENTION_DAYS，至少 180 天）内的记录一律拒绝删除。"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="删除此日期（YYYY-MM-DD）之前的记录")

    def handle(self, *args, before, **options):
        try:
            day = datetime.strptime(before, "%Y-%m-%d").date()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        earliest_kept = timezone.localdate() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
        if day > earliest_kept:
            raise CommandError(
                f"审计记录至少保存 {settings.AUDIT_RETENTION_DAYS} 天：只能删除 {earliest_kept:%Y-%m-%d} 之前的记录。"
            )
        cutoff = timezone.make_aware(datetime.combine(day, time.min))
        table = AuditEntry._meta.db_table
        with transaction.atomic():
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # the append-only trigger lets this one transaction delete
                    cursor.execute("SET LOCAL branchwork.audit_purge = 'on'")
                cursor.execute(f"DELETE FROM {table} WHERE timestamp < %s", [cutoff])  # noqa: S608 (our own table name)
                removed = cursor.rowcount
            audit_record(None, AuditEvent.ADMIN, repr_text=f"清理 {day:%Y-%m-%d} 之前的审计记录 {removed} 条")
        self.stdout.write(f"已删除 {day:%Y-%m-%d} 之前的审计记录 {removed} 条。")
