"""The audit trail (everything recorded, nothing changed afterwards) and the
three administrators who cannot act as each other (三员分立)."""

import os
import secrets
from datetime import date, timedelta
from io import BytesIO, StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry, AuditEvent
from branches.models import User
from branches.scoping import Role
from records.models import LifeKind
from records.services import organisational_life_record
from reports.models import Job, JobStatus
from reports.services import job_execute, job_request
from tests.factories import UserFactory

PASSWORD = "Qingshan#2026"


@pytest.fixture
def admins(cast):
    made = {}
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        made[role] = UserFactory(username=role, role=role, county=cast.county)
    return made


def _as(user) -> Client:
    """A client of its own for each person (the shared ``client_for`` switches one client between users)."""
    client = Client()
    client.force_login(user)
    return client


def _entries(event):
    return AuditEntry.objects.filter(event=event).order_by("pk")


def test_logins_failures_and_logouts_are_recorded_with_the_address(cast):
    staff = cast.users["township_staff"]
    staff.set_password(PASSWORD)
    staff.save()
    client = Client()
    client.post(reverse("login"), {"username": "staff", "password": "wrong-Pass1"}, REMOTE_ADDR="10.2.0.5")
    client.post(reverse("login"), {"username": "staff", "password": PASSWORD}, REMOTE_ADDR="10.2.0.5")
    client.post(reverse("logout"), REMOTE_ADDR="10.2.0.5")
    failed, login, logout = _entries("login_failed").last(), _entries("login").last(), _entries("logout").last()
    assert (failed.object_repr, failed.remote_addr, failed.actor) == ("staff", "10.2.0.5", None)
    assert (login.actor, login.remote_addr, login.actor_unit) == (staff, "10.2.0.5", "关兴镇")
    assert logout.actor == staff


def test_changes_denials_and_imports_are_recorded(cast, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    secretary = cast.users["branch_secretary"]
    client = client_for(secretary)
    # a model change through a page: before → after, with who and from where
    client.post(
        reverse("records:problems", args=[cast.branch.pk]),
        {"category": "governance", "title": "调解草场纠纷", "solved_on": "2026-03-02"},
        REMOTE_ADDR="10.3.0.7",
    )
    created = AuditEntry.objects.filter(event=AuditEvent.CHANGE, object_repr__contains="调解草场纠纷").get()
    assert created.actor == secretary and created.remote_addr == "10.3.0.7"
    assert created.changes["title"] == [None, "调解草场纠纷"] or created.changes["title"][1] == "调解草场纠纷"
    # another unit's branch: 404, and a record of the attempt
    assert client.get(reverse("home:branch", args=[cast.neighbour_branch.pk])).status_code == 404
    denied = _entries(AuditEvent.DENIED).last()
    assert denied.actor == secretary and f"/branches/{cast.neighbour_branch.pk}/" in denied.object_repr
    # an import, refused, with the file's hash
    staff = client_for(cast.users["township_staff"])
    staff.post(reverse("branches:import"), {"file": SimpleUploadedFile("登记册.xlsx", b"not a workbook")})
    imported = _entries(AuditEvent.IMPORT).last()
    assert imported.additional_data["file"] == "登记册.xlsx" and len(imported.additional_data["sha256"]) == 64
    assert imported.additional_data["outcome"].startswith("拒绝")


def test_a_score_entry_change_is_recorded(cast, client_for):
    from scoring.builtin import load_builtin_frameworks
    from scoring.entries import RawEntry
    from scoring.models import Framework
    from scoring.services import score_sheet_create, score_sheet_save

    load_builtin_frameworks()
    secretary = cast.users["branch_secretary"]
    sheet = score_sheet_create(
        framework=Framework.objects.get(code="wuhao"),
        branch=cast.branch,
        stage="self_assessment",
        year=2026,
        actor=secretary,
    )
    score_sheet_save(sheet=sheet, raw={"1.2": RawEntry(value="3")}, actor=secretary)
    score_sheet_save(sheet=sheet, raw={"1.2": RawEntry(value="2")}, actor=secretary)
    record = AuditEntry.objects.filter(object_repr__endswith="：1.2").order_by("pk").last()
    assert record.changes == {"1.2": ["3 分", "2 分"]} and record.actor == secretary


def test_the_trail_cannot_be_changed_or_deleted(cast):
    organisational_life_record(
        branch=cast.branch,
        kind=LifeKind.THEME_DAY,
        held_on=date(2026, 3, 1),
        topic="学习",
        attendees=[],
        actor=cast.users["branch_secretary"],
    )
    entry = AuditEntry.objects.last()
    entry.object_repr = "改过"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="改过")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def _login_entry(user, **extra) -> AuditEntry:
    """A login record of ``user``, written as the product writes one."""
    return AuditEntry.objects.create(
        event=AuditEvent.LOGIN,
        action=AuditEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk),
        object_repr="staff",
        actor=user,
        **extra,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database-level guard is PostgreSQL's trigger")
def test_postgresql_itself_refuses_update_and_delete_and_purge_keeps_180_days(cast):
    table = AuditEntry._meta.db_table
    user = cast.users["township_staff"]
    old = _login_entry(user, timestamp=timezone.now() - timedelta(days=400))
    for statement in (f"UPDATE {table} SET object_repr = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with (
            pytest.raises(DatabaseError, match="审计记录只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [old.pk])
    assert AuditEntry.objects.filter(pk=old.pk, object_repr="staff").exists()
    # even a session that sets the purge flag itself cannot delete a record younger than 180 days
    young = AuditEntry.objects.filter(timestamp__gt=timezone.now() - timedelta(days=1)).first()
    with (
        pytest.raises(DatabaseError, match="保存期不少于 180 天"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL branchwork.audit_purge = 'on'")
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [young.pk])
    assert AuditEntry.objects.filter(pk=young.pk).exists()
    recent = (timezone.localdate() - timedelta(days=100)).isoformat()
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("purge_audit", "--before", recent)
    call_command("purge_audit", "--before", (timezone.localdate() - timedelta(days=200)).isoformat())
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(event=AuditEvent.ADMIN, object_repr__contains="清理").exists()


APP_ROLE = os.environ.get("APP_DATABASE_ROLE", "branchwork_app")  # .ci/run creates it; else this test does


def _reduced_role() -> str:
    """The deployment guide's application role on the test database: no superuser, the product's
    tables to read and write, the audit table only to read and append (``audit_append_only``).
    Returns its password (a new one each time)."""
    password = secrets.token_urlsafe(24)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        cursor.execute(f'{verb} ROLE "{APP_ROLE}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s', [password])
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{APP_ROLE}"')
        cursor.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{APP_ROLE}"')
        cursor.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{APP_ROLE}"')
    call_command("audit_append_only", "--app-role", APP_ROLE, stdout=StringIO())
    return password


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite, the embedded default, has no database roles")
def test_the_application_runs_under_the_reduced_role(transactional_db, cast, tmp_path):
    """The product, in a process of its own connected as the reduced role, signs a user in, shows
    their pages and writes their session and the login's audit record: it needs nothing more."""
    import subprocess
    import sys

    password = _reduced_role()
    user = cast.users["township_staff"]
    user.set_password("Reduced#2026x")
    user.must_change_password = False
    user.save()
    before = AuditEntry.objects.filter(actor=user, event=AuditEvent.LOGIN).count()
    db = connection.settings_dict
    script = (
        "import django; django.setup()\n"
        "from django.test.utils import setup_test_environment; setup_test_environment()\n"
        "from django.test import Client\n"
        "client = Client()\n"
        f"signed = client.post('/accounts/login/', {{'username': {user.username!r}, 'password': 'Reduced#2026x'}})\n"
        "assert signed.status_code == 302, signed.status_code\n"
        "home = client.get('/', follow=True)\n"
        "assert home.status_code == 200, home.status_code\n"
        "print('ok', home.redirect_chain)\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{APP_ROLE}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATA_DIR": str(tmp_path),
        "DEMO_MODE": "true",
    }
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr[-2000:]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != APP_ROLE  # the test's own connection is the administrator's
    assert AuditEntry.objects.filter(actor=user, event=AuditEvent.LOGIN).count() == before + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite, the embedded default, has no database roles")
def test_the_reduced_role_of_the_deployment_guide_cannot_undo_the_trail(transactional_db, cast):
    """docs/deploy.md: the application's role keeps SELECT and INSERT on the audit table, nothing else.
    Connected as that role it reads and appends; UPDATE, DELETE, TRUNCATE, disabling or replacing
    the trigger are refused by PostgreSQL itself."""
    import psycopg
    from psycopg import errors

    password = _reduced_role()
    user = cast.users["township_staff"]
    entry = _login_entry(user)
    table = AuditEntry._meta.db_table
    columns = ", ".join(f.column for f in AuditEntry._meta.concrete_fields if not f.primary_key)
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=APP_ROLE, password=password, autocommit=True
    ) as app:
        assert app.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)
        app.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} WHERE id = %s", [entry.pk])
        assert app.execute(f"SELECT count(*) FROM {table} WHERE object_repr = 'staff'").fetchone() == (2,)
        for statement in (
            f"UPDATE {table} SET object_repr = 'x' WHERE id = {entry.pk}",
            f"DELETE FROM {table} WHERE id = {entry.pk}",
            f"TRUNCATE {table}",
            f"ALTER TABLE {table} DISABLE TRIGGER branches_auditentry_append_only",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            "CREATE OR REPLACE FUNCTION branches_audit_append_only() RETURNS trigger AS $$ BEGIN RETURN OLD; END; $$"
            " LANGUAGE plpgsql",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                app.execute(statement)
    assert AuditEntry.objects.filter(pk=entry.pk, object_repr="staff").exists()


def test_only_the_audit_administrator_reads_and_exports_the_trail(cast, admins, client_for):
    auditor = _as(admins[Role.AUDIT_ADMIN])
    _as(cast.users["branch_secretary"]).get(reverse("home:branch", args=[cast.neighbour_branch.pk]))
    page = auditor.get(reverse("audit"), {"event": "denied", "person": "secretary"})
    assert page.status_code == 200 and f"/branches/{cast.neighbour_branch.pk}/" in page.content.decode()
    for who in [*cast.users.values(), admins[Role.SYSTEM_ADMIN], admins[Role.SECURITY_ADMIN]]:
        assert _as(who).get(reverse("audit")).status_code == 404, who
        with pytest.raises(Exception) as refused:
            job_request(user=who, kind="audit_xlsx", params={})
        assert refused.typename == "Http404"
    job, _ = job_request(user=admins[Role.AUDIT_ADMIN], kind="audit_xlsx", params={"audit_event": "denied"})
    job_execute(job.pk)
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED
    sheet = load_workbook(BytesIO(job.file.read())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "时间")
    body = [row for row in rows[header + 1 :] if row[0]]
    assert body and all(row[5] == "越权访问被拒" for row in body)
    assert any(f"/branches/{cast.neighbour_branch.pk}/" in row[9] for row in body)


def test_the_three_administrators_cannot_act_as_each_other_or_touch_the_work(cast, admins, client_for):
    system, security, audit = (_as(admins[r]) for r in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN))
    # the system administrator creates an account: no role yet, password to change at first login
    created = system.post(
        reverse("accounts_system"), {"username": "clerk9", "full_name": "钱文书", "password": "Lvshui#Qingshan9"}
    )
    assert created.status_code == 302
    clerk = User.objects.get(username="clerk9")
    assert clerk.role == "" and clerk.must_change_password
    # … and cannot grant it a role, nor read the trail
    assert system.get(reverse("accounts_security")).status_code == 404
    assert system.get(reverse("audit")).status_code == 404
    # the security administrator grants the role; not to themselves
    security.post(
        reverse("accounts_security"),
        {"account": clerk.pk, "role": "township_staff", "unit": f"township:{cast.township.pk}"},
    )
    clerk.refresh_from_db()
    assert (clerk.role, clerk.township) == ("township_staff", cast.township)
    me = admins[Role.SECURITY_ADMIN]
    security.post(
        reverse("accounts_security"), {"account": me.pk, "role": "county_reviewer", "unit": f"county:{cast.county.pk}"}
    )
    me.refresh_from_db()
    assert me.role == Role.SECURITY_ADMIN
    assert security.get(reverse("accounts_system")).status_code == 404
    assert audit.get(reverse("accounts_security")).status_code == 404
    # none of them sees or changes the work
    for client in (system, security, audit):
        assert client.get(reverse("home:branch", args=[cast.branch.pk])).status_code == 404
        assert client.get(reverse("records:life", args=[cast.branch.pk])).status_code == 404
        assert client.get(reverse("home")).status_code == 200


def test_the_security_administrator_unlocks_a_locked_account(cast, admins, client_for):
    staff = cast.users["township_staff"]
    staff.set_password(PASSWORD)
    staff.save()
    for _ in range(5):
        Client().post(reverse("login"), {"username": "staff", "password": "wrong-Pass1"})
    assert Client().post(reverse("login"), {"username": "staff", "password": PASSWORD}).status_code == 429
    security = _as(admins[Role.SECURITY_ADMIN])
    assert "账号 staff" in security.get(reverse("accounts_security")).content.decode()
    security.post(reverse("accounts_unlock"), {"username": "staff"})
    assert (
        Client().post(reverse("login"), {"username": "staff", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9").status_code
        == 302
    )
    assert _entries(AuditEvent.ADMIN).filter(object_repr__contains="解除登录锁定").exists()


def test_unlocking_an_account_leaves_the_address_that_tried_it_locked(cast, admins):
    """Five wrong passwords for staff from 10.0.0.77 lock the account and the address. The security
    administrator lets staff back in; 10.0.0.77 stays locked for its 30 minutes (its failures were all
    against staff), until the address itself is unlocked."""
    staff = cast.users["township_staff"]
    staff.set_password(PASSWORD)
    staff.save()
    for _ in range(5):
        Client().post(reverse("login"), {"username": "staff", "password": "wrong-Pass1"}, REMOTE_ADDR="10.0.0.77")

    def login(address):
        return Client().post(reverse("login"), {"username": "staff", "password": PASSWORD}, REMOTE_ADDR=address)

    assert (login("10.0.0.78").status_code, login("10.0.0.77").status_code) == (429, 429)
    security = _as(admins[Role.SECURITY_ADMIN])
    security.post(reverse("accounts_unlock"), {"username": "staff"})
    assert login("10.0.0.78").status_code == 302  # the account is free
    assert login("10.0.0.77").status_code == 429  # the address is not
    assert "地址 10.0.0.77" in security.get(reverse("accounts_security")).content.decode()
    security.post(reverse("accounts_unlock"), {"ip_address": "10.0.0.77"})
    assert login("10.0.0.77").status_code == 302


def test_transitions_uploads_documents_and_every_download_are_recorded(cast, client_for, settings, tmp_path):
    """Through the pages, from one address: a workflow step, an evidence upload (with its SHA-256), a
    document asked for and made, and each download — register, framework, offline sheet, evidence, document."""
    import hashlib

    from campaigns.models import PhaseKind, Transition
    from campaigns.services import campaign_create
    from scoring.builtin import load_builtin_frameworks
    from scoring.models import Evidence, Framework
    from tests.campaigns.helpers import open_phase
    from tests.security.test_permission_sweep import PNG

    settings.MEDIA_ROOT = tmp_path
    load_builtin_frameworks()
    staff_user, secretary_user = cast.users["township_staff"], cast.users["branch_secretary"]
    campaign = campaign_create(
        kind="wuhao",
        year=2026,
        title="五好创建",
        framework=Framework.objects.get(code="wuhao"),
        branches=[cast.branch],
        actor=staff_user,
    )
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    participant = campaign.participants.get()
    secretary, staff = secretary_user, staff_user  # one test client: logged in as each in turn
    here = {"REMOTE_ADDR": "10.8.0.9"}

    client_for(secretary).post(reverse("campaigns:action", args=[participant.pk, "start"]), **here)
    step = Transition.objects.get(participant=participant, action="start")
    recorded = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Transition), object_pk=str(step.pk)
    )
    assert (recorded.actor, recorded.remote_addr, recorded.action) == (
        secretary_user,
        "10.8.0.9",
        AuditEntry.Action.CREATE,
    )
    assert recorded.changes["to_state"][1] == "drafting"

    participant.refresh_from_db()
    sheet = participant.self_sheet
    client_for(secretary).post(
        reverse("scoring:evidence_upload", args=[sheet.pk]),
        {"item": "1.1", "file-1.1": SimpleUploadedFile("签到表.png", PNG)},
        **here,
    )
    evidence = Evidence.objects.get()
    uploaded = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Evidence),
        object_pk=str(evidence.pk),
        action=AuditEntry.Action.CREATE,
    )
    assert uploaded.changes["sha256"][1] == hashlib.sha256(PNG).hexdigest() and uploaded.actor == secretary_user

    client_for(staff).post(reverse("reports:job_new"), {"kind": "ledger_items_xlsx"}, **here)
    job = Job.objects.get()
    job_execute(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    asked = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Job), object_pk=str(job.pk), action=AuditEntry.Action.CREATE
    )
    assert (asked.actor, asked.remote_addr) == (staff_user, "10.8.0.9")

    downloads = [
        (secretary, reverse("scoring:evidence_file", args=[evidence.pk])),
        (secretary, reverse("scoring:sheet_download", args=[sheet.pk])),
        (staff, reverse("branches:export")),
        (staff, reverse("scoring:framework_export", args=[sheet.framework_id])),
        (staff, reverse("reports:job_download", args=[job.pk])),
    ]
    for user, url in downloads:
        response = client_for(user).get(url, **here)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        entry = _entries(AuditEvent.DOWNLOAD).last()
        assert entry.remote_addr == "10.8.0.9" and entry.actor == user, url
        assert entry.additional_data["sha256"] == hashlib.sha256(body).hexdigest(), url
    assert _entries(AuditEvent.DOWNLOAD).count() == len(downloads)


def test_the_trail_filters_by_person_unit_object_kind_and_date(cast, admins, client_for):
    from audit.views import audit_entries

    staff, other = cast.users["township_staff"], cast.users["other_township_staff"]
    for user in (staff, other):
        _as(user).get(reverse("home"))  # a login each (force_login sends the signal)
    organisational_life_record(
        branch=cast.branch,
        kind=LifeKind.THEME_DAY,
        held_on=date(2026, 11, 5),
        topic="学习日：学习新党章",
        attendees=[],
        actor=cast.users["branch_secretary"],
    )
    old = AuditEntry.objects.filter(event=AuditEvent.LOGIN, actor=other).get()
    long_ago = AuditEntry.objects.create(
        event=AuditEvent.LOGIN,
        action=AuditEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(other.pk),
        object_repr=str(other),
        actor=other,
        actor_unit=other.unit_label,
        timestamp=timezone.now() - timedelta(days=40),
    )

    def found(**params):
        return set(audit_entries(params).qs.values_list("pk", flat=True))

    assert found(unit=staff.unit_label) and all(
        e.actor_unit == staff.unit_label for e in AuditEntry.objects.filter(pk__in=found(unit=staff.unit_label))
    )
    assert (
        found(target="学习新党章")
        == set(AuditEntry.objects.filter(object_repr__contains="学习新党章").values_list("pk", flat=True))
        != set()
    )
    assert found(event="login", person=other.username) == {old.pk, long_ago.pk}
    day = (timezone.localdate() - timedelta(days=40)).isoformat()
    assert found(event="login", person=other.username, since=day, until=day) == {long_ago.pk}
    assert long_ago.pk not in found(since=timezone.localdate().isoformat())
    page = _as(admins[Role.AUDIT_ADMIN]).get(reverse("audit"), {"target": "学习新党章"}).content.decode()
    assert "学习新党章" in page and "学习日" in page


def test_the_trail_reads_in_chinese_on_the_page_and_in_the_export(cast, admins):
    """A branch's change shows as «字段中文名：旧值 → 新值»: a choice by its label, a foreign key by its
    name, a boolean as 是/否, nothing empty as None; a record created lists only what it was created with."""
    from branches.models import Branch

    branch = Branch.objects.get(pk=cast.branch.pk)
    branch.site_type, branch.township = "corridor", cast.neighbour_township
    branch.save()
    auditor = _as(admins[Role.AUDIT_ADMIN])
    page = auditor.get(reverse("audit"), {"target": "法泥村"}).content.decode()
    label = Branch._meta.get_field("site_type").verbose_name
    township = Branch._meta.get_field("township").verbose_name
    assert f"{label}：（空） → <strong>通道型</strong>" in page
    assert f"{township}：关兴镇 → <strong>煤山镇</strong>" in page
    assert "site_type" not in page and "None" not in page.split('data-testid="audit-entries"')[1]
    assert "数据修改·修改" in page and "·update" not in page
    job, _ = job_request(user=admins[Role.AUDIT_ADMIN], kind="audit_xlsx", params={"audit_target": "法泥村"})
    job_execute(job.pk)
    sheet = load_workbook(BytesIO(Job.objects.get(pk=job.pk).file.read())).active
    content = [row[10].value for row in sheet.iter_rows() if row[10].value and "通道型" in str(row[10].value)]
    assert content and f"{township}：关兴镇 → 煤山镇" in content[0]
    assert sheet.cell(row=3, column=11).alignment.wrap_text


def test_every_audited_record_has_a_chinese_name_in_the_trail():
    from django.apps import apps

    from audit.readable import MODEL_LABELS

    unnamed = [
        f"{app.label}.{name.lower()}"
        for app in apps.get_app_configs()
        for name in getattr(app, "audited_models", {})
        if str(apps.get_model(app.label, name)._meta.verbose_name).isascii()
        and f"{app.label}.{name.lower()}" not in MODEL_LABELS
    ]
    assert unnamed == []
