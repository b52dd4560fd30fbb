from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "组织与党员"

    def ready(self):
        from . import audit

        audit.follow_models()
