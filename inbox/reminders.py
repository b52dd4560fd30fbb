"""The daily reminders: each app above registers what falls due (``register`` from its
``AppConfig.ready``), and ``run`` asks them all for the day and delivers in one pass.

A reminder's key carries the date it is about (a phase's last day, a ledger item's deadline), so
the same reminder is sent once however often the schedule runs, and again only if that date moves
(a phase extended, a deadline changed)."""

import logging
from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction

from common.dates import today

from . import services
from .services import Note

log = logging.getLogger(__name__)

# How many days before a deadline the reminder goes out.
DAYS_AHEAD = 3

_sources: dict[str, Callable[[date], Iterable[Note]]] = {}


def register(name: str, source: Callable[[date], Iterable[Note]]) -> None:
    """``source(on)`` gives the notes due on ``on``, at a fixed number of queries whatever the size."""
    _sources[name] = source


def sources() -> dict[str, Callable[[date], Iterable[Note]]]:
    return dict(_sources)


def run(on: date | None = None) -> dict[str, int]:
    """Every registered source's notes for ``on`` (today), delivered; messages past a year purged;
    the day's e-mail digest sent where configured. Returns the messages offered per source."""
    on = on or today()
    offered = {}
    for name, source in _sources.items():
        with transaction.atomic():
            offered[name] = services.deliver(source(on))
    services.purge()
    try:
        services.email_digest()
    except OSError:  # the intranet mail server is down: the messages stay in the product, mailed next run
        log.exception("e-mail digest not sent")
    return offered
