#!/usr/bin/env bash
# The README's second command: install what the tests need (requirements/dev.lock), then run them all.
# With DATABASE_URL / CELERY_BROKER_URL set (as .ci/run does) the suite runs
# against PostgreSQL and Redis; without them, on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
exec .venv/bin/python -m pytest "$@"
