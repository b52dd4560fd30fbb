"""Moving models out of branches/ keeps every row of an existing database.

The database is taken back to the migrations of the last release before the move
(records, audit trail and password history in branches, record photos stored as
sheet-less evidence), filled with one row of every moved model, and migrated
forward: every row is found through the new apps, the photos with the same file
and hash, and the audit trail's content types point at the moved models."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_MOVE = [
    ("branches", "0008_audit_purge_only_old"),
    ("scoring", "0011_entry_history"),
    ("records", None),
    ("audit", None),
    ("accounts", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # the models as they were at the newest migration applied in each app
    applied = [
        (app, name) for app, name in executor.loader.graph.leaf_nodes() if app not in ("records", "audit", "accounts")
    ]
    moved_from = [target for target in targets if target[1] is not None]
    return executor.loader.project_state(moved_from or applied).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _fill_old_database(old):
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label__in=["records", "audit", "accounts"]).delete()
    county = old.get_model("branches", "County").objects.create(name="旧县")
    township = old.get_model("branches", "Township").objects.create(county=county, name="旧镇")
    branch = old.get_model("branches", "Branch").objects.create(township=township, name="旧村党支部")
    member = old.get_model("branches", "Member").objects.create(
        branch=branch, name="李旧", gender="M", birth_year=1970, joined_on=date(2000, 7, 1)
    )
    user = old.get_model("branches", "User").objects.create(
        username="old-secretary", role="branch_secretary", branch=branch
    )
    photo = old.get_model("scoring", "Evidence").objects.create(
        branch=branch,
        file="evidence/records/1/abc.png",
        original_name="会议照片.png",
        content_type="image/png",
        size=68,
        sha256="a" * 64,
        uploaded_by=user,
    )
    life = old.get_model("branches", "OrganisationalLife").objects.create(
        branch=branch, kind="theme_day", held_on=date(2026, 3, 5), topic="主题党日", recorded_by=user
    )
    life.attendees.add(member)
    life.photos.add(photo)
    old.get_model("branches", "Absence").objects.create(life=life, member=member, reason="illness")
    deed = old.get_model("branches", "MemberDeed").objects.create(
        branch=branch,
        member=member,
        kind="deed",
        done_on=date(2026, 4, 1),
        description="修路",
        beneficiary="三组",
        recorded_by=user,
    )
    deed.photos.add(photo)
    old.get_model("branches", "PointsRule").objects.create(
        township=township, kind="deed", points=2, yearly_cap=10, updated_by=user
    )
    old.get_model("branches", "SolvedProblem").objects.create(
        branch=branch, category="governance", title="调解纠纷", solved_on=date(2026, 5, 1), recorded_by=user
    )
    old.get_model("branches", "Pledge").objects.create(branch=branch, year=2026, content="办三件实事", recorded_by=user)
    old.get_model("branches", "Appraisal").objects.create(
        branch=branch,
        held_on=date(2026, 6, 1),
        forms=10,
        satisfied=8,
        basically_satisfied=1,
        dissatisfied=1,
        recorded_by=user,
    )
    old.get_model("branches", "PasswordHistory").objects.create(user=user, password="pbkdf2_sha256$old")
    life_type = ContentType.objects.get_or_create(app_label="branches", model="organisationallife")[0]
    old.get_model("branches", "AuditEntry").objects.create(
        content_type=life_type,
        object_pk=str(life.pk),
        object_id=life.pk,
        object_repr="主题党日",
        action=0,
        event="change",
    )
    return {"life": life.pk, "deed": deed.pk, "user": user.pk, "evidence": photo.pk}


@pytest.fixture
def back_to_the_latest_migrations():
    """Whatever happens in the test, the database the rest of the suite uses ends up current."""
    yield
    _migrate(_latest())


@pytest.mark.django_db(transaction=True)
def test_every_row_of_a_moved_model_is_found_after_the_move(back_to_the_latest_migrations):
    old = _migrate(BEFORE_THE_MOVE)
    made = _fill_old_database(old)

    _migrate(_latest())

    from django.contrib.contenttypes.models import ContentType

    from accounts.models import PasswordHistory
    from audit.models import AuditEntry
    from records.models import (
        Absence,
        Appraisal,
        MemberDeed,
        OrganisationalLife,
        Pledge,
        PointsRule,
        RecordPhoto,
        SolvedProblem,
    )
    from scoring.models import Evidence

    life = OrganisationalLife.objects.get(pk=made["life"])
    assert life.topic == "主题党日" and [m.name for m in life.attendees.all()] == ["李旧"]
    assert Absence.objects.get(life=life).reason == "illness"
    assert MemberDeed.objects.get(pk=made["deed"]).description == "修路"
    assert PointsRule.objects.get().yearly_cap == 10
    assert SolvedProblem.objects.get().title == "调解纠纷"
    assert Pledge.objects.get().content == "办三件实事"
    assert Appraisal.objects.get().satisfaction_rate == 90
    assert PasswordHistory.objects.get().password == "pbkdf2_sha256$old"
    # the photo is the same stored file, on both records, and no longer sheet evidence
    photo = RecordPhoto.objects.get()
    assert (photo.file.name, photo.sha256, photo.original_name) == (
        "evidence/records/1/abc.png",
        "a" * 64,
        "会议照片.png",
    )
    assert list(life.photos.all()) == [photo] and list(MemberDeed.objects.get().photos.all()) == [photo]
    assert not Evidence.objects.filter(pk=made["evidence"]).exists()
    # the trail's old entry now names the moved model
    entry = AuditEntry.objects.get(object_repr="主题党日")
    assert entry.content_type == ContentType.objects.get_for_model(OrganisationalLife)
    assert entry.content_type.model_class() is OrganisationalLife


@pytest.mark.django_db(transaction=True)
def test_going_back_before_the_move_keeps_the_photos(back_to_the_latest_migrations):
    old = _migrate(BEFORE_THE_MOVE)
    made = _fill_old_database(old)
    _migrate(_latest())

    old = _migrate(BEFORE_THE_MOVE)

    evidence = old.get_model("scoring", "Evidence").objects.get(pk=made["evidence"])
    assert (evidence.sheet_id, evidence.sha256) == (None, "a" * 64)
    life = old.get_model("branches", "OrganisationalLife").objects.get(pk=made["life"])
    assert list(life.photos.values_list("pk", flat=True)) == [made["evidence"]]
