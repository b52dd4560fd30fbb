"""The deployment guide's reduced role, in one command the operator runs once after `migrate`, as the
database's administrator (docs/deploy.md §2): the audit table and its trigger's function pass to that
administrator, and the application's role keeps only SELECT and INSERT on the table. The role can then
neither change, delete nor TRUNCATE a record, nor disable or replace the trigger (only an owner may)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.models import AuditEntry

TRIGGER_FUNCTION = "branches_audit_append_only()"


class Command(BaseCommand):
    help = "把审计表及其触发器交给数据库管理账号，应用账号只保留查询和追加权限（只用于 PostgreSQL，以管理账号执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True, help="应用连接数据库所用的账号，如 branchwork")

    def handle(self, *args, app_role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("只有 PostgreSQL 需要这一步：内置的 SQLite 没有数据库账号。")
        quote = connection.ops.quote_name
        table, role = quote(AuditEntry._meta.db_table), quote(app_role)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
            if cursor.fetchone() is None:
                raise CommandError(f"数据库中没有账号“{app_role}”。")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [AuditEntry._meta.db_table])
            (sequence,) = cursor.fetchone()
            for statement in (
                f"ALTER TABLE {table} OWNER TO CURRENT_USER",
                f"ALTER FUNCTION {TRIGGER_FUNCTION} OWNER TO CURRENT_USER",
                f"REVOKE ALL ON {table} FROM {role}",
                f"GRANT SELECT, INSERT ON {table} TO {role}",
                f"GRANT USAGE ON SEQUENCE {sequence} TO {role}",
            ):
                cursor.execute(statement)
        self.stdout.write(f"审计表已交由 {connection.settings_dict['USER']} 持有；{app_role} 只能查询和追加审计记录。")
