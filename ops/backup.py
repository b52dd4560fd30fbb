"""Backups a county can restore and trust: a consistent copy of the database
(SQLite's online backup, or pg_dump for PostgreSQL) and every uploaded file,
with a manifest of SHA-256 hashes signed with the installation's SECRET_KEY.
A restore refuses a backup whose files, hashes or manifest do not match.

A backup holds password hashes and phone numbers: its folder is 0700 and every
file in it 0600, whatever the umask of the process that writes it."""

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.dump"
MEDIA_DIR = "media"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _signature(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(settings.SECRET_KEY.encode(), text, hashlib.sha256).hexdigest()


def _pg_env() -> dict:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    env.update(PGHOST=db.get("HOST") or "", PGPORT=str(db.get("PORT") or ""), PGUSER=db.get("USER") or "")
    return env


@contextmanager
def _owner_only():
    """Files and folders created meanwhile (here and by pg_dump) are the owner's alone."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _restrict(target: Path) -> None:
    # copytree copies the uploads' own modes (their folders are 0755): set every one
    target.chmod(0o700)
    for path in target.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def backup(target: Path) -> dict:
    """Write a backup into the empty folder ``target`` (0700, every file 0600); returns the manifest."""
    with _owner_only():
        target.mkdir(parents=True, exist_ok=True)
        if any(target.iterdir()):
            raise BackupError(f"备份目录 {target} 不是空目录，请换一个目录。")
        target.chmod(0o700)
        manifest = _write(target)
        _restrict(target)
    return manifest


def _write(target: Path) -> dict:
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target / SQLITE_FILE) as copy:
            connection.connection.backup(copy)  # consistent while others write (WAL)
        copy.close()
    elif vendor == "postgresql":
        done = subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--file={target / PG_FILE}",
                connection.settings_dict["NAME"],
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip()[:300]}")
    else:
        raise BackupError(f"不支持的数据库：{vendor}")
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.copytree(media, target / MEDIA_DIR)
    files = {
        str(path.relative_to(target)): {"sha256": _sha256(path), "size": path.stat().st_size}
        for path in sorted(target.rglob("*"))
        if path.is_file()
    }
    payload = {"created_at": timezone.now().isoformat(), "database": vendor, "files": files}
    manifest = {**payload, "signature": _signature(payload)}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def verify(source: Path) -> dict:
    """The manifest, once every file is present, unchanged and nothing added; else BackupError."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        signature = manifest.pop("signature")
    except (OSError, ValueError, KeyError):
        raise BackupError("备份不完整：缺少或无法读取清单 manifest.json。") from None
    if not hmac.compare_digest(signature, _signature(manifest)):
        raise BackupError("备份清单签名不符：清单被改动过，或备份来自另一套系统（SECRET_KEY 不同）。")
    present = {str(p.relative_to(source)) for p in source.rglob("*") if p.is_file() and p.name != MANIFEST}
    missing = sorted(set(manifest["files"]) - present)
    extra = sorted(present - set(manifest["files"]))
    if missing:
        raise BackupError(f"备份不完整：缺少 {len(missing)} 个文件，如 {missing[0]}。")
    if extra:
        raise BackupError(f"备份中多出清单以外的文件，如 {extra[0]}。")
    for name, meta in manifest["files"].items():
        if _sha256(source / name) != meta["sha256"]:
            raise BackupError(f"文件 {name} 的 SHA-256 与清单不符：备份已被改动或损坏。")
    if manifest["database"] != connection.vendor:
        raise BackupError(f"这是 {manifest['database']} 数据库的备份，当前系统使用 {connection.vendor}。")
    return manifest


def restore(source: Path) -> dict:
    """Verify, then replace the configured database and uploads with the backup's."""
    manifest = verify(source)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source / SQLITE_FILE) as backup_db:
            backup_db.backup(connection.connection)
        backup_db.close()
    else:
        done = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source / PG_FILE),
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise BackupError(f"pg_restore 失败：{done.stderr.strip()[:300]}")
    media = Path(settings.MEDIA_ROOT)
    if (source / MEDIA_DIR).exists():
        shutil.copytree(source / MEDIA_DIR, media, dirs_exist_ok=True)
    return manifest
