from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = "目标任务"
    # followed by the audit trail (model → fields not worth a record); the audit app reads this
    audited_models = {
        "TargetPlan": ("updated_at",),
        "Target": (),
    }
