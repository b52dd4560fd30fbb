from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "考核标准与评分表"

    def ready(self):
        from branches.signals import facts_changed

        facts_changed.connect(_sheets_follow_facts, dispatch_uid="scoring_sheets_follow_facts")

    # followed by the audit trail (model → fields not worth a record); the audit app reads this
    audited_models = {
        "Framework": (),
        "ScoreSheet": ("updated_at", "verdict"),
        "ScoreEntry": ("updated_at",),
        "Evidence": (),
    }


def _sheets_follow_facts(sender, *, branch, year, actor, **kwargs):
    """A record changed (records/ announces it): open sheets of that branch and year follow their facts."""
    from .services import sheets_follow_facts

    sheets_follow_facts(branch=branch, year=year, actor=actor)
