"""members' yearly star ratings (党员星级评定): the year's ratings of a branch, the branch meeting's decision, the township's approval."""

from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "党员星级评定"
    # followed by the audit trail (model → fields not worth a record); the audit app reads this
    audited_models = {
        "BranchRating": (),
        "MemberRating": ("updated_at",),
        "MemberRatingChange": (),
        "RatingStep": (),
    }
