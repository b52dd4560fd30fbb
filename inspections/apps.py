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

    def ready(self):
        # score sheets read the ledger and the rankings as facts; scoring is on a lower floor, so we offer them
        from scoring.facts.registry import register_fact_family

        from .facts import ledger_facts, ranking_facts

        register_fact_family("problem_ledger", ledger_facts)
        register_fact_family("quarter_rankings", ranking_facts)

        # ledger items falling due or overdue go into the daily reminders (inbox is a lower floor)
        from inbox.reminders import register

        from .reminders import ledger_reminders

        register("ledger", ledger_reminders)
