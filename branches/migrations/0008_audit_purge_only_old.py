# The database itself holds the retention floor: even inside `purge_audit`'s
# transaction (branchwork.audit_purge on), PostgreSQL deletes only audit records
# older than 180 days; nothing may ever update one.

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION branches_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('branchwork.audit_purge', true) = 'on'
       AND OLD.timestamp < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = '审计记录只能追加，不能修改或删除（保存期不少于 180 天）：' || TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
PREVIOUS = """
CREATE OR REPLACE FUNCTION branches_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('branchwork.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = '审计记录只能追加，不能修改或删除：' || TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("branches", "0007_absences")]

    operations = [migrations.RunPython(create, restore)]
