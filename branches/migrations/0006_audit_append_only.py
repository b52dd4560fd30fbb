# On PostgreSQL the database itself refuses to change or delete an audit record;
# only `manage.py purge_audit` (which sets branchwork.audit_purge for its own
# transaction) may delete records past the retention period.

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION branches_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('branchwork.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = '审计记录只能追加，不能修改或删除：' || TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER branches_auditentry_append_only
    BEFORE UPDATE OR DELETE ON branches_auditentry
    FOR EACH ROW EXECUTE FUNCTION branches_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS branches_auditentry_append_only ON branches_auditentry;
DROP FUNCTION IF EXISTS branches_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("branches", "0005_audit_and_admin_roles")]

    operations = [migrations.RunPython(create, drop)]
