from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "组织与党员"
    # followed by the audit trail (model → fields not worth a record); the audit app reads this
    audited_models = {
        "County": (),
        "Township": (),
        "Branch": (),
        "Member": (),
        "AnnualFigure": (),
        "User": ("password", "last_login"),
    }
