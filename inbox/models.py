"""Messages in the product (站内消息) and 催办.

A message goes to one person: who must act (a secretary whose sheet was returned, the staff who
hear an objection, whoever a 催办 is meant for), with a link to where the work is. A message is
never sent twice: each carries a key, unique per recipient, so a reminder run twice, or an event
seen twice, adds nothing. Messages are kept a year (``inbox.services.purge``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from branches.models import Branch


class Kind(models.TextChoices):
    RETURNED = "returned", "退回修改"
    OBJECTION = "objection", "公示异议"
    PHASE_DUE = "phase_due", "阶段即将截止"
    MILESTONE_DUE = "milestone_due", "工作节点即将到期"
    LEDGER_DUE = "ledger_due", "整改即将到期"
    LEDGER_OVERDUE = "ledger_overdue", "整改已逾期"
    NOTICE = "notice", "通报"
    JOB_DONE = "job_done", "文书已生成"
    JOB_FAILED = "job_failed", "文书生成失败"
    URGE = "urge", "催办"


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own messages, nobody else's (an administrator's too: only their own)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at=None)


class Message(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("办理链接", max_length=300, blank=True)
    # what the message is about, once per recipient: "returned:<transition>", "phase_due:<phase>:<date>"
    key = models.CharField(max_length=120)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)  # the day's digest (INBOX_EMAIL_DIGEST)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="message_once_per_recipient")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_unread")]

    def __str__(self):
        return self.title


class Urge(models.Model):
    """One 催办: who urged which branches about what, with a note."""

    topic = models.CharField(max_length=60, db_index=True)  # "campaign:12", "ledger", "inspection:3"
    topic_label = models.CharField("事项", max_length=200)
    url = models.CharField("办理链接", max_length=300)
    note = models.CharField("催办内容", max_length=300)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("催办时间", default=timezone.now)
    branches = models.ManyToManyField(Branch, related_name="urges", verbose_name="被催办的党支部")

    class Meta:
        verbose_name = verbose_name_plural = "催办"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"催办：{self.topic_label}"
