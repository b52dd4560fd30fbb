from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "站内消息"
    # followed by the audit trail: who urged whom (messages themselves are notifications, not records)
    audited_models = {"Urge": ()}
