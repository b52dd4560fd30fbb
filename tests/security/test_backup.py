"""backup / restore: a restored copy in a fresh database holds every sheet,
transition and evidence file (hashes equal); a tampered or incomplete backup
is refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from campaigns.models import Transition
from ops.backup import MANIFEST, BackupError, verify
from records.models import RecordPhoto
from records.photos import photo_store
from scoring.models import Evidence, ScoreSheet
from tests.security.test_permission_sweep import PNG

ROOT = Path(__file__).resolve().parents[2]
COUNT = (
    "import json;from scoring.models import ScoreSheet, Evidence;from campaigns.models import Transition;"
    "from records.models import RecordPhoto;"
    "print(json.dumps({'sheets': sorted(ScoreSheet.objects.values_list('pk', 'total')),"
    "'transitions': Transition.objects.count(),"
    "'evidence': sorted(Evidence.objects.values_list('file', 'sha256')),"
    "'photos': sorted(RecordPhoto.objects.values_list('file', 'sha256'))}, default=str))"
)


@pytest.fixture
def populated(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_MODE = True
    call_command("seed_demo", verbosity=0)
    from branches.models import Branch, User

    branch = Branch.objects.get(name="法泥村党支部")
    photo_store(branch=branch, upload=SimpleUploadedFile("会议照片.png", PNG), actor=User.objects.get(username="fani"))
    return tmp_path


def _fresh_database(tmp_path):
    """A database nobody has used, of the same kind as the test database."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    import psycopg

    db = connection.settings_dict
    name = "branchwork_restore_test"
    base = f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{name}", (base, name)


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_backup_restores_into_a_fresh_database_with_every_sheet_transition_and_file(populated):
    tmp_path = populated
    call_command("backup", str(tmp_path / "backup"), verbosity=0)
    expected = {
        "sheets": sorted([pk, str(total)] for pk, total in ScoreSheet.objects.values_list("pk", "total")),
        "transitions": Transition.objects.count(),
        "evidence": sorted([str(f), sha] for f, sha in Evidence.objects.values_list("file", "sha256")),
        "photos": sorted([str(f), sha] for f, sha in RecordPhoto.objects.values_list("file", "sha256")),
    }
    assert expected["transitions"] > 0 and expected["photos"]

    url, cleanup = _fresh_database(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    # the demo's data and key: in production a command would refuse them (tests/ops/test_startup.py)
    env.update(
        DATABASE_URL=url, MEDIA_ROOT=str(tmp_path / "restored-media"), SECRET_KEY=settings.SECRET_KEY, DEMO_MODE="true"
    )
    try:
        restored = _manage(env, "restore", str(tmp_path / "backup"))
        assert restored.returncode == 0, restored.stderr
        assert "已恢复" in restored.stdout
        counted = _manage(env, "shell", "-c", COUNT)
        assert counted.returncode == 0, counted.stderr
        found = json.loads(counted.stdout.strip().splitlines()[-1])
        assert found == json.loads(json.dumps(expected, default=str))
        # every evidence file is there, byte for byte
        import hashlib

        for name, sha in expected["evidence"] + expected["photos"]:
            assert hashlib.sha256((tmp_path / "restored-media" / name).read_bytes()).hexdigest() == sha
    finally:
        if cleanup:
            import psycopg

            base, name = cleanup
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_tampered_or_incomplete_backup_is_refused(populated):
    tmp_path = populated
    folder = tmp_path / "backup"
    call_command("backup", str(folder), verbosity=0)
    verify(folder)  # as written: accepted

    photo = next((folder / "media").rglob("*.png"))
    original = photo.read_bytes()
    photo.write_bytes(original[:-1] + b"\x00")
    with pytest.raises(BackupError, match="SHA-256 与清单不符"):
        verify(folder)
    photo.write_bytes(original)

    photo.rename(photo.with_suffix(".bak"))
    with pytest.raises(BackupError, match="缺少"):
        verify(folder)
    photo.with_suffix(".bak").rename(photo)

    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    name = next(iter(manifest["files"]))
    manifest["files"][name]["sha256"] = "0" * 64
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError, match="签名不符"):
        verify(folder)

    (folder / MANIFEST).unlink()
    with pytest.raises(BackupError, match="缺少或无法读取清单"):
        verify(folder)
    with pytest.raises(Exception, match="不是空目录"):
        call_command("backup", str(folder), verbosity=0)


def test_a_backup_is_readable_by_its_owner_alone(transactional_db, settings, tmp_path):
    """It holds password hashes and phone numbers: the folder 0700, every file 0600, the manifest too,
    even when the process's umask would make them world-readable and an upload's folder is 0755."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence").chmod(0o755)
    (tmp_path / "media" / "evidence" / "photo.png").write_bytes(PNG)
    (tmp_path / "media" / "evidence" / "photo.png").chmod(0o644)
    previous = os.umask(0o022)
    try:
        call_command("backup", str(tmp_path / "backups" / "tonight"), verbosity=0)
    finally:
        os.umask(previous)
    folder = tmp_path / "backups" / "tonight"
    modes = {str(p.relative_to(folder)): p.stat().st_mode & 0o777 for p in folder.rglob("*")}
    assert folder.stat().st_mode & 0o777 == 0o700
    assert modes[MANIFEST] == 0o600 and modes["media/evidence/photo.png"] == 0o600
    assert modes["media"] == modes["media/evidence"] == 0o700
    assert {mode for name, mode in modes.items() if (folder / name).is_file()} == {0o600}
