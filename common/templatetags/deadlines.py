"""Countdowns wherever work waits: ``{% countdown deadline %}`` shows the deadline and the days left,
green (more than 7), yellow (7 or fewer) or red (overdue); ``{% finished_late done deadline %}``
keeps the mark «逾期 N 天完成» on work finished after its deadline."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from common.dates import deadline_state, deadline_words, late_days

register = template.Library()

_CLASSES = {"green": "text-bg-success", "yellow": "text-bg-warning", "red": "text-bg-danger"}


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.simple_tag
def countdown(deadline, label="截止"):
    """The deadline's badge; nothing when there is no deadline."""
    deadline = _as_date(deadline)
    if not deadline:
        return ""
    colour, days = deadline_state(deadline)
    return format_html(
        '<span class="badge countdown countdown-{} {}" data-testid="countdown" data-days-left="{}">{}月{}日{} · {}</span>',
        colour,
        _CLASSES[colour],
        days,
        deadline.month,
        deadline.day,
        label,
        deadline_words(deadline),
    )


@register.simple_tag
def finished_late(done, deadline):
    """«逾期 N 天完成» for work done after its deadline; nothing when on time."""
    done, deadline = _as_date(done), _as_date(deadline)
    days = late_days(done, deadline) if done else 0
    if not days:
        return ""
    return format_html('<span class="badge text-bg-secondary" data-testid="finished-late">逾期 {} 天完成</span>', days)
