"""The audit trail: which models django-auditlog follows, and the events the
product records itself (logins, downloads, imports, refusals). Every record:
when, who, from which address, what object, what changed."""

import hashlib
from contextvars import ContextVar

from auditlog.context import auditlog_value
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from audit.models import AuditEntry, AuditEvent
from branches.signals import file_imported, file_served

# The request being answered, for records made where no request is passed (a model hook);
# set and reset by audit.middleware.AuditDenialMiddleware. auditlog's own context is not
# reset after a request, so in a thread that served one it would name a stale actor.
current_request: ContextVar = ContextVar("audit_current_request", default=None)


def follow_models() -> None:
    """django-auditlog follows the models each app lists in its AppConfig's ``audited_models``
    (so an app declares its own, and the audit app imports none of them)."""
    for config in apps.get_app_configs():
        for name, excluded in getattr(config, "audited_models", {}).items():
            model = config.get_model(name)
            if not auditlog.contains(model):
                auditlog.register(model, exclude_fields=list(excluded))


def _address(request) -> str | None:
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def audit_record(request, event: str, obj=None, *, repr_text: str = "", detail: dict | None = None, actor=None):
    """Record an event; ``obj`` is what it concerns (an account for logins)."""
    user = actor if actor is not None else getattr(request, "user", None)
    user = user if getattr(user, "is_authenticated", False) else None
    target = obj if obj is not None else user
    content_type = ContentType.objects.get_for_model(target if target is not None else AuditEntry)
    return AuditEntry.objects.create(
        event=event,
        action=AuditEntry.Action.ACCESS,
        content_type=content_type,
        object_pk=str(target.pk) if target is not None else "",
        object_id=target.pk if target is not None and isinstance(target.pk, int) else None,
        object_repr=(repr_text or (str(target) if target is not None else ""))[:500],
        actor=user,
        remote_addr=_address(request),
        additional_data=detail or None,
    )


def audit_download(request, obj, *, filename: str, data: bytes, detail: dict | None = None):
    """A document made on request and handed out: what, which file, and the SHA-256 of the bytes served."""
    return audit_record(
        request,
        AuditEvent.DOWNLOAD,
        obj,
        repr_text=filename,
        detail={
            "file": filename[:200],
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            **(detail or {}),
        },
    )


def audit_import(request, upload, *, what: str, outcome: str, rows: int | None = None):
    """An import attempt: file name, SHA-256, size, rows taken, and whether it was refused."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return audit_record(
        request,
        AuditEvent.IMPORT,
        repr_text=f"{what}：{upload.name}",
        detail={
            "file": upload.name[:200],
            "sha256": digest.hexdigest(),
            "size": upload.size,
            "rows": rows,
            "outcome": outcome,
        },
    )


def audit_changes(sheet, changes, actor) -> None:
    """Score entries are saved in bulk (no model signals): record each change made to ``sheet``."""
    context = auditlog_value.get(None) or {}
    address = context.get("remote_addr")
    content_type = ContentType.objects.get_for_model(sheet)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                event=AuditEvent.CHANGE,
                action=AuditEntry.Action.UPDATE,
                content_type=content_type,
                object_pk=str(sheet.pk),
                object_id=sheet.pk,
                object_repr=f"{sheet}：{change.item_code}"[:500],
                changes={change.item_code: [change.before, change.after]},
                additional_data={k: v for k, v in (("reason", change.reason), ("source", change.source)) if v} or None,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_unit=actor.unit_label[:100] if getattr(actor, "pk", None) else "",
                remote_addr=address,
            )
            for change in changes
        ]
    )


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(request, AuditEvent.LOGIN, user, actor=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(request, AuditEvent.LOGOUT, user, actor=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    from branches.models import User

    username = str(credentials.get("username", ""))[:150]
    account = User.objects.filter(username=username).first()
    audit_record(request, AuditEvent.LOGIN_FAILED, account, repr_text=username, actor=None)


def listen() -> None:
    """Record what the floors below announce (they may not import this app)."""
    file_served.connect(_file_served, dispatch_uid="audit_file_served")
    file_imported.connect(_file_imported, dispatch_uid="audit_file_imported")


def _file_served(sender, *, request, obj, filename, data=None, detail=None, **kwargs):
    """A document made on request (``data``: its bytes, hashed here), or a stored file (its SHA-256 in ``detail``)."""
    if data is None:
        audit_record(request, AuditEvent.DOWNLOAD, obj, detail=detail)
    else:
        audit_download(request, obj, filename=filename, data=data, detail=detail)


def _file_imported(sender, *, request, upload, what, outcome, rows=None, **kwargs):
    audit_import(request, upload, what=what, outcome=outcome, rows=rows)
