from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "创建活动"
    # followed by the audit trail (model → fields not worth a record); the audit app reads this
    audited_models = {
        "Campaign": (),
        "Phase": (),
        "Participant": (),
        "Transition": (),
        "Submission": (),
        "PhaseExtension": (),
        "Objection": (),
    }
