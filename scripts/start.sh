#!/usr/bin/env bash
# The README's first command: install the product alone (requirements/runtime.lock, no test
# tools), migrate, load the demo data, then run the web server and the background worker at
# http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

export DEMO_MODE=${DEMO_MODE:-true}
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py createcachetable  # the rate limits' counts, shared by the web processes
$PY manage.py collectstatic --noinput -v0
$PY manage.py seed_demo

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# -B: the worker also runs the schedule (the daily reminders, settings.CELERY_BEAT_SCHEDULE); production
# runs one separate `celery beat` instead (deploy/systemd/branchwork-beat.service)
.venv/bin/celery -A config worker -B --loglevel=INFO --concurrency=2 --without-gossip --without-mingle \
  >>var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "==> 后台任务进程（含每日提醒定时任务）已启动（日志：var/worker.log）"
echo "==> 系统已启动：http://$HOST:$PORT/  （按 Ctrl+C 停止）"
.venv/bin/gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers 3 --timeout 120 \
  --access-logfile var/access.log
