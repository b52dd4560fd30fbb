from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报表与文书"
    # followed by the audit trail (model → fields not worth a record); the audit app reads this
    audited_models = {
        "Job": ("step", "heartbeat_at", "started_at", "worker", "attempts", "data_fingerprint"),
    }
