from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "支部工作记录"
    audited_models = {
        "OrganisationalLife": (),
        "Absence": (),
        "MemberDeed": (),
        "SolvedProblem": (),
        "Pledge": (),
        "Appraisal": (),
        "PointsRule": ("updated_at",),
        "RecordPhoto": (),
        "BranchDocument": (),
        "Recruit": (),
        "ReserveCadre": (),
        "DuesPayment": ("recorded_at",),
        "BranchYear": ("updated_at",),
    }
