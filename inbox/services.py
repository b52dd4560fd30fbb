"""Sending messages, 催办, and keeping the inbox a year.

Everything that tells someone something goes through ``deliver``: a ``Note`` names its audience by
unit (the branches' secretaries, the townships' staff, the counties' reviewers) or by person, and
all the notes of a run cost one query for their recipients and one insert per batch of messages,
however many branches they reach. A note's key makes it once-only per recipient (the database's
unique constraint, inserts that meet it are skipped), so running a reminder twice sends nothing twice."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from branches.models import Branch
from branches.scoping import Role

from .models import Kind, Message, Urge

KEEP_DAYS = 365
INSERT_BATCH = 2000

ERROR_URGE_NOTE = "请填写催办内容。"
ERROR_URGE_NOTE_LONG = "催办内容不能超过300字。"
ERROR_URGE_NOBODY = "请至少选择一个要催办的党支部。"
ERROR_URGE_OUTSIDE = "所选党支部不在您的管理范围内，未发送催办。"
ERROR_URGE_NOT_LISTED = "所选党支部不在本页可催办的名单中，未发送催办。请刷新页面后重新勾选。"
ERROR_URGE_REPEATED = "刚刚已向这些党支部发送过相同的催办，未重复发送。"
REPEAT_MINUTES = 10


@dataclass(frozen=True)
class Note:
    """One message, to everyone in its audience."""

    kind: str
    title: str
    key: str
    url: str = ""
    body: str = ""
    branches: frozenset = field(default_factory=frozenset)  # their secretaries
    townships: frozenset = field(default_factory=frozenset)  # their staff
    counties: frozenset = field(default_factory=frozenset)  # their reviewers
    users: frozenset = field(default_factory=frozenset)  # these people themselves
    sender_id: int | None = None


def _audience(notes: list[Note]) -> dict[tuple[str, int], list[int]]:
    """(level, unit id) → active users' ids, for every unit the notes name: one query."""
    branches = set().union(*(n.branches for n in notes))
    townships = set().union(*(n.townships for n in notes))
    counties = set().union(*(n.counties for n in notes))
    if not (branches or townships or counties):
        return {}
    rows = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(role=Role.BRANCH_SECRETARY, branch_id__in=branches)
            | Q(role=Role.TOWNSHIP_STAFF, township_id__in=townships)
            | Q(role=Role.COUNTY_REVIEWER, county_id__in=counties)
        )
        .values_list("pk", "role", "branch_id", "township_id", "county_id")
    )
    found = defaultdict(list)
    for pk, role, branch_id, township_id, county_id in rows:
        if role == Role.BRANCH_SECRETARY:
            found["branch", branch_id].append(pk)
        elif role == Role.TOWNSHIP_STAFF:
            found["township", township_id].append(pk)
        else:
            found["county", county_id].append(pk)
    return found


def deliver(notes: Iterable[Note], *, at=None) -> int:
    """Put each note in its audience's inboxes, once per recipient and key. Returns how many
    messages were offered (a message already sent under its key is skipped by the database)."""
    notes = list(notes)
    if not notes:
        return 0
    at = at or timezone.now()
    audience = _audience(notes)
    rows = []
    for note in notes:
        recipients = set(note.users)
        for level, units in (("branch", note.branches), ("township", note.townships), ("county", note.counties)):
            for unit in units:
                recipients.update(audience.get((level, unit), ()))
        rows.extend(
            Message(
                recipient_id=pk,
                kind=note.kind,
                title=note.title[:200],
                body=note.body,
                url=note.url[:300],
                key=note.key[:120],
                sender_id=note.sender_id,
                created_at=at,
            )
            for pk in sorted(recipients)
        )
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=INSERT_BATCH)
    return len(rows)


def send(kind: str, *, title: str, key: str, url: str = "", body: str = "", sender=None, **audience) -> int:
    """One note now (an event: a sheet returned, an objection raised, a document ready)."""
    return deliver(
        [
            Note(
                kind=kind,
                title=title,
                key=key,
                url=url,
                body=body,
                sender_id=getattr(sender, "pk", None),
                **{level: frozenset(ids) for level, ids in audience.items()},
            )
        ]
    )


def unread_count(user) -> int:
    return Message.objects.visible_to(user).unread().count()


def mark_read(user, pk: int) -> Message:
    """The user's own message (404 for anyone else's, raised by the view), marked read."""
    message = Message.objects.visible_to(user).get(pk=pk)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def mark_all_read(user) -> int:
    return Message.objects.visible_to(user).unread().update(read_at=timezone.now())


def purge(now=None) -> int:
    """Messages older than a year go (read or not); everything younger stays."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _ = Message.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def urge(*, sender, branches, note: str, topic: str, topic_label: str, url: str, within=None) -> Urge:
    """One 催办 from ``sender`` to the chosen branches (all under the sender's unit and, given
    ``within``, among the branches the page offered), with a note; each branch's secretary gets it
    in the inbox and on the 工作台. The same 催办 sent again within minutes (a second tap) is refused."""
    note = (note or "").replace("\r\n", "\n").strip()  # a browser counts a line break as one character
    if not note:
        raise ValueError(ERROR_URGE_NOTE)
    if len(note) > 300:
        raise ValueError(ERROR_URGE_NOTE_LONG)
    ids = {int(getattr(b, "pk", b)) for b in branches}
    if not ids:
        raise ValueError(ERROR_URGE_NOBODY)
    if Branch.objects.visible_to(sender).filter(pk__in=ids).count() != len(ids):
        raise ValueError(ERROR_URGE_OUTSIDE)
    if within is not None and not ids <= set(within):
        raise ValueError(ERROR_URGE_NOT_LISTED)
    recent = Urge.objects.filter(
        sender=sender, topic=topic, note=note, created_at__gte=timezone.now() - timedelta(minutes=REPEAT_MINUTES)
    ).prefetch_related("branches")
    if any({b.pk for b in earlier.branches.all()} == ids for earlier in recent):
        raise ValueError(ERROR_URGE_REPEATED)
    record = Urge.objects.create(sender=sender, note=note, topic=topic, topic_label=topic_label, url=url)
    record.branches.set(ids)
    unit = sender.township.name + "党委" if sender.township_id else "县委组织部"
    send(
        Kind.URGE,
        title=f"{unit}催办：{topic_label}",
        body=note,
        url=url,
        key=f"urge:{record.pk}",
        sender=sender,
        branches=ids,
    )
    return record


def posted_branches(values: list[str]) -> tuple[set[str], set[int]]:
    """The branches ticked on a 催办 form: as posted (to tick them again after a refusal) and as ids.
    A value that is no id adds 0, which no one's scope holds, so ``urge`` refuses the whole 催办."""
    picked = {value for value in values if value.isascii() and value.isdigit() and len(value) < 12}
    return picked, {int(value) for value in picked} | ({0} if len(picked) < len(set(values)) else set())


def urge_history(topic: str, branch_ids: Iterable[int] | None = None) -> dict[int, dict]:
    """Per branch urged about ``topic``: how often, and when last. One query."""
    rows = Urge.branches.through.objects.filter(urge__topic=topic)
    if branch_ids is not None:
        rows = rows.filter(branch_id__in=list(branch_ids))
    return {
        row["branch_id"]: {"count": row["count"], "last": row["last"]}
        for row in rows.values("branch_id").annotate(count=Count("urge_id"), last=Max("urge__created_at"))
    }


def urges_sent(topic: str, user, limit: int = 20) -> list[Urge]:
    """The latest 催办 about ``topic`` that reached a branch ``user`` sees, with those branches only
    (a township never reads another township's 催办)."""
    visible = Branch.objects.visible_to(user)
    return list(
        Urge.objects.filter(topic=topic, branches__in=visible)
        .distinct()
        .select_related("sender")
        .prefetch_related(Prefetch("branches", queryset=visible.order_by("name")))[:limit]
    )


def email_digest(now=None) -> int:
    """Where the county runs an intranet mail server (INBOX_EMAIL_DIGEST and Django's EMAIL_*
    settings), each person with an e-mail address gets the messages not yet mailed, once. Nothing
    else leaves the machine. Returns how many e-mails were sent."""
    if not getattr(settings, "INBOX_EMAIL_DIGEST", False):
        return 0
    now = now or timezone.now()
    pending = (
        Message.objects.filter(emailed_at=None, read_at=None, created_at__lte=now)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    by_person = defaultdict(list)
    for message in pending:
        by_person[message.recipient].append(message)
    mails = []
    for person, messages in by_person.items():
        lines = [f"{m.created_at:%m-%d %H:%M} [{m.get_kind_display()}] {m.title}" for m in messages]
        mails.append(
            (
                f"党支部创建活动管理系统：{len(messages)} 条新消息",
                "\n".join([*lines, "", "请登录系统查看并办理。"]),
                None,
                [person.email],
            )
        )
    if mails:
        send_mass_mail(mails, fail_silently=False)
        pending.model.objects.filter(pk__in=[m.pk for ms in by_person.values() for m in ms]).update(emailed_at=now)
    return len(mails)
