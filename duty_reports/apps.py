"""述职评议 (双述双评) rounds: secretaries' duty reports, the meeting's votes by group, tiers, 约谈."""

from django.apps import AppConfig


class DutyReportsConfig(AppConfig):
    name = "duty_reports"
    verbose_name = "述职评议"
    # followed by the audit trail (model → fields not worth a record); the audit app reads this
    audited_models = {
        "DutyRound": (),
        "RoundStep": (),
        "DutyReport": (),
        "ReportVersion": (),
        "Vote": (),
        "Interview": (),
        "ReportFile": (),
    }
