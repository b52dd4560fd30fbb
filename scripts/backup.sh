#!/usr/bin/env bash
# Nightly backup for cron: a dated folder under the given directory, made by
# `manage.py backup` (SQLite online backup, or pg_dump for PostgreSQL, plus the
# uploaded files and a signed SHA-256 manifest); keeps the newest KEEP (14).
#   crontab: 30 2 * * *  cd /opt/branchwork && bash scripts/backup.sh /srv/backups >> /var/log/branchwork-backup.log 2>&1
# Copy the folders off the machine as well (another building, or offline media).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${1:?用法：bash scripts/backup.sh 备份根目录}
KEEP=${KEEP:-14}
target="$ROOT/$(date +%Y%m%d-%H%M%S)"
.venv/bin/python manage.py backup "$target"
ls -1d "$ROOT"/*/ 2>/dev/null | sort | head -n -"$KEEP" | xargs -r rm -rf
