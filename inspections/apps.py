from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "督查与问题台账"
    # followed by the audit trail (model → fields not worth a record); the audit app reads this
    audited_models = {
        "InspectionRound": (),
        "Finding": (),
        "QuarterRanking": (),
        "SecretaryActionFlag": (),
        "LedgerItem": (),
        "LedgerEvent": (),
        "DocumentNumber": (),
        "Notice": (),
    }
