"""评选表彰: selections with quotas, nominations, the committee's decision, publicity with objections, commendation."""

from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "评选表彰"
    # followed by the audit trail (model → fields not worth a record); the audit app reads this
    audited_models = {
        "Selection": (),
        "Nomination": (),
        "SelectionStep": (),
        "AwardObjection": (),
    }
