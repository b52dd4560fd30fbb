"""Celery application.

Embedded default: kombu's filesystem transport under DATA_DIR, so a worker runs
jobs off the request with no server to install. Production: a Redis broker
(CELERY_BROKER_URL or REDIS_URL) and as many workers, on as many machines, as
the county needs. See config/settings.py for the broker settings.
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_insecure_start(**kwargs):
    """In production a worker or beat refuses the demo key and demo passwords, as the web process does."""
    import django

    django.setup()
    from ops.startup import exit_if_insecure

    exit_if_insecure()
