from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "创建活动"

    def ready(self):
        from scoring.hooks import register_sheet_panel

        from .sheet_steps import sheet_panel

        # a participant's sheet shows the phase's deadline and the button to its next step
        register_sheet_panel(sheet_panel)

        # phases (and extensions) ending and milestones due in three days go into the daily reminders
        from inbox.reminders import register

        from .reminders import milestone_reminders, phase_reminders

        register("campaign_phases", phase_reminders)
        register("campaign_milestones", milestone_reminders)

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
