"""The daily reminder run, on the Celery beat schedule (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import reminders

DAILY_REMINDERS = "inbox.daily_reminders"


@shared_task(name=DAILY_REMINDERS, ignore_result=True)
def daily_reminders() -> dict:
    return reminders.run()
