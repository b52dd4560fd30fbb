"""Every URL the product has, taken from the URL resolver (a new page cannot
escape), asked for by anonymous visitors, by every role outside the unit that
holds the data, and by the three administrators: nobody sees or changes what
is not theirs."""

import dataclasses
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from awards.models import AwardObjection, Selection
from awards.services import nomination_create
from branches.models import Branch, User
from branches.scoping import Role
from campaigns.models import Campaign, Objection, Participant
from common.dates import demo_year, today
from duty_reports.services import report_file_store, round_advance, round_open
from inspections.models import InspectedBranch, InspectionRound, LedgerItem, QuarterRanking, SecretaryActionFlag
from records.models import Pledge
from records.photos import photo_store
from records.services.registers import recruit_record, reserve_cadre_record
from reports.services import job_request
from scoring.evidence import evidence_store
from scoring.models import Framework, ScoreSheet
from tests.factories import (
    BranchFactory,
    CountyFactory,
    TownshipFactory,
    UserFactory,
    branch_secretary,
    county_reviewer,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)

# pages anyone may open; everything else needs a login
PUBLIC = {"login", "healthz", "publicity", "award_publicity", "password_change_done"}
# the administrators' own pages list accounts and the trail of the whole county by design
ADMIN_PAGES = {"audit", "accounts_system", "accounts_security", "accounts_unlock"}


def _patterns(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # Django's own admin: superusers only, checked by Django
            yield from _patterns(pattern.url_patterns, pattern.namespace or namespace)
        else:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), list(pattern.pattern.converters)


@dataclasses.dataclass
class World:
    objects: dict  # URL name → (kwargs, level): the unit under test's object for each page with an id
    outsiders: dict  # who → (user, levels they are outside of)
    insiders: dict = dataclasses.field(default_factory=dict)  # who → user, inside the unit
    things: dict = dataclasses.field(default_factory=dict)  # the unit's objects, by name


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEMO_MODE = True
    call_command("seed_demo", verbosity=0)
    staff = User.objects.get(username="guanxing")
    secretary = User.objects.get(username="fani")
    branch = Branch.objects.get(name="法泥村党支部")
    township = branch.township
    member = branch.members.first()
    sheet = ScoreSheet.objects.filter(branch=branch).first()
    photo = photo_store(branch=branch, upload=SimpleUploadedFile("p.png", PNG), actor=secretary)
    evidence = evidence_store(
        sheet=sheet,
        item_code=sheet.framework.items.first().code,
        upload=SimpleUploadedFile("e.png", PNG),
        actor=secretary,
    )
    campaign = Campaign.objects.filter(township=township).first()
    participant = Participant.objects.get(campaign=campaign, branch=branch, member=None)
    objection = Objection.objects.create(
        participant=participant, content="有异议", recorded_by=staff, received_on=date(2026, 11, 1)
    )
    deed = branch.deeds.filter(confirmed_at=None).first()
    recruit = recruit_record(
        branch=branch, name="王小梅", gender="F", birth_year=1995, applied_on=date(demo_year(), 3, 1), actor=secretary
    )
    reserve = reserve_cadre_record(
        branch=branch, name="赵强", gender="M", birth_year=1990, added_on=date(demo_year(), 1, 5), actor=secretary
    )
    pledge = Pledge.objects.filter(branch=branch).first()
    # the township's own framework, as an import would store it (a copy of the 五好 built-in under its own code)
    from scoring.selectors import framework_spec
    from scoring.services import framework_save

    own = dataclasses.replace(framework_spec(Framework.objects.filter(code="wuhao").first()), code="guanxing-own")
    framework, _ = framework_save(spec=own, township=township, actor=staff)
    job, _ = job_request(user=staff, kind="ledger_items_xlsx", params={})
    inspection = InspectionRound.objects.filter(township=township).first()
    inspected = InspectedBranch.objects.get(inspection_round=inspection, branch=branch)
    ranking = QuarterRanking.objects.filter(township=township).first()
    flag = SecretaryActionFlag.objects.create(branch=branch, ranking=ranking, year=2026, quarter=3)
    ledger = LedgerItem.objects.filter(branch__township=township).first()
    duty_round = round_open(township=township, year=2026, actor=staff)
    duty_report = duty_round.reports.get(branch=branch)
    duty_file = report_file_store(report=duty_report, upload=SimpleUploadedFile("r.png", PNG), actor=secretary)
    round_advance(duty_round=duty_round, meeting_on=date(2026, 12, 1), meeting_place="镇会议室", actor=staff)
    # 关兴镇's own selection (the demo's), 法泥村's nomination of its secretary, and an objection to it
    selection = Selection.objects.get(township=township)
    nomination = nomination_create(
        selection=selection,
        candidate_id=branch.members.get(post="secretary").pk,
        reason="带领群众发展产业，成效明显。",
        actor=secretary,
    )
    from inbox.models import Message

    message = Message.objects.create(recipient=secretary, kind="urge", title="关兴镇党委催办", key="sweep")
    award_objection = AwardObjection.objects.create(
        nomination=nomination, content="有异议", received_on=date(2026, 11, 1)
    )
    b, t = "branch", "township"
    objects = {
        "home:branch": ({"pk": branch.pk}, b),
        "branches:edit": ({"pk": branch.pk}, b),
        "branches:figure_create": ({"pk": branch.pk}, b),
        "branches:member_create": ({"pk": branch.pk}, b),
        "branches:member_edit": ({"pk": member.pk}, b),
        "records:life": ({"pk": branch.pk}, b),
        "records:deeds": ({"pk": branch.pk}, b),
        "records:deed_confirm": ({"pk": deed.pk}, b),
        "records:problems": ({"pk": branch.pk}, b),
        "records:pledges": ({"pk": branch.pk}, b),
        "records:pledge_resolve": ({"pk": pledge.pk}, b),
        "records:pledge_comment": ({"pk": pledge.pk}, b),
        "records:appraisals": ({"pk": branch.pk}, b),
        "records:documents": ({"pk": branch.pk}, b),
        "records:recruits": ({"pk": branch.pk}, b),
        "records:recruit_advance": ({"pk": recruit.pk}, b),
        "records:reserves": ({"pk": branch.pk}, b),
        "records:reserve_remove": ({"pk": reserve.pk}, b),
        "records:dues": ({"pk": branch.pk}, b),
        "records:year": ({"pk": branch.pk}, b),
        "records:registers_import": ({"pk": branch.pk}, b),
        "records:registers_template": ({"pk": branch.pk}, b),
        "scoring:framework_detail": ({"pk": framework.pk}, t),
        "scoring:framework_export": ({"pk": framework.pk}, t),
        "scoring:framework_export_yaml": ({"pk": framework.pk}, t),
        "scoring:sheet_create": ({"branch_pk": branch.pk}, b),
        "scoring:sheet_fill": ({"pk": sheet.pk}, b),
        "scoring:sheet_preview": ({"pk": sheet.pk}, b),
        "scoring:sheet_autosave": ({"pk": sheet.pk}, b),
        "scoring:sheet_print": ({"pk": sheet.pk}, b),
        "scoring:sheet_download": ({"pk": sheet.pk}, b),
        "scoring:sheet_upload": ({"pk": sheet.pk}, b),
        "scoring:sheet_upload_confirm": ({"pk": sheet.pk}, b),
        "scoring:evidence_upload": ({"pk": sheet.pk}, b),
        "scoring:evidence_file": ({"pk": evidence.pk}, b),
        "scoring:evidence_display": ({"pk": evidence.pk}, b),
        "records:photo": ({"pk": photo.pk}, b),
        "records:photo_display": ({"pk": photo.pk}, b),
        "campaigns:detail": ({"pk": campaign.pk}, t),
        "campaigns:phases": ({"pk": campaign.pk}, t),
        "campaigns:urge": ({"pk": campaign.pk}, t),
        "inbox:open": ({"pk": message.pk}, b),
        "campaigns:step": ({"pk": campaign.pk, "step": "sample"}, t),
        "campaigns:participant": ({"pk": participant.pk}, b),
        "campaigns:action": ({"pk": participant.pk, "action": "start"}, b),
        "campaigns:open_sheet": ({"pk": participant.pk, "stage": "self_assessment"}, b),
        "campaigns:step_confirm": ({"pk": participant.pk, "stage": "self_assessment"}, b),
        "campaigns:extend": ({"pk": participant.pk}, b),
        "campaigns:to_ledger": ({"pk": participant.pk}, b),
        "campaigns:objection_new": ({"pk": participant.pk}, b),
        "campaigns:objection_resolve": ({"pk": objection.pk}, b),
        "reports:job": ({"pk": job.pk}, t),
        "reports:job_status": ({"pk": job.pk}, t),
        "reports:job_download": ({"pk": job.pk}, t),
        "inspections:round": ({"pk": inspection.pk}, t),
        "inspections:round_close": ({"pk": inspection.pk}, t),
        "inspections:finding_new": ({"pk": inspected.pk}, b),
        "inspections:flag_resolve": ({"pk": flag.pk}, b),
        "reports:notice_issue": ({"pk": ranking.pk}, t),
        "inspections:ledger_item": ({"pk": ledger.pk}, b),
        "publicity": ({"token": campaign.public_token}, None),
        "ratings:branch_year": ({"branch_id": branch.pk, "year": demo_year()}, b),
        "ratings:step": ({"branch_id": branch.pk, "year": demo_year() - 1, "action": "return"}, b),
        "ratings:member": ({"member_id": member.pk}, b),
        "duty_reports:round": ({"pk": duty_round.pk}, t),
        "duty_reports:round_advance": ({"pk": duty_round.pk}, t),
        "duty_reports:report": ({"pk": duty_report.pk}, b),
        "duty_reports:votes": ({"pk": duty_report.pk}, b),
        "duty_reports:interview": ({"pk": duty_report.pk}, b),
        "duty_reports:report_upload": ({"pk": duty_report.pk}, b),
        "duty_reports:report_file": ({"pk": duty_file.pk}, b),
        "awards:detail": ({"pk": selection.pk}, t),
        "awards:nominate": ({"pk": selection.pk}, t),
        "awards:decide": ({"pk": selection.pk}, t),
        "awards:step": ({"pk": selection.pk, "step": "publicize"}, t),
        "awards:objection_new": ({"pk": selection.pk}, t),
        "awards:objection_resolve": ({"pk": award_objection.pk}, t),
        "award_publicity": ({"token": selection.public_token}, None),
    }
    far = CountyFactory(name="远山县")
    outsiders = {
        "anonymous": (None, {b, t}),
        # a secretary of another branch of the same township: outside the branch only
        "sibling_secretary": (branch_secretary(BranchFactory(township=township, name="另一村党支部")), {b}),
        "other_township_secretary": (User.objects.get(username="nagu"), {b, t}),
        "other_township_staff": (User.objects.get(username="meishan"), {b, t}),
        "other_county_reviewer": (county_reviewer(far), {b, t}),
        "other_county_staff": (UserFactory(role=Role.TOWNSHIP_STAFF, township=TownshipFactory(county=far)), {b, t}),
        "system_admin": (User.objects.get(username="sysadmin"), {b, t}),
        "security_admin": (User.objects.get(username="secadmin"), {b, t}),
        "audit_admin": (User.objects.get(username="auditor"), {b, t}),
    }
    insiders = {"secretary": secretary, "staff": staff, "county": User.objects.get(username="county")}
    things = {
        "deed": deed,
        "pledge": Pledge.objects.filter(branch=branch, status="open").first(),
        "flag": flag,
        "objection": objection,
        "campaign": campaign,
        "participant": participant,
        "inspection": inspection,
        "branch": branch,
        "duty_round": duty_round,
        "duty_report": duty_report,
        "selection": selection,
        "recruit": recruit,
        "reserve": reserve,
        "member": member,
    }
    return World(objects, outsiders, insiders, things)


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_url_is_covered_by_the_sweep(world):
    with_ids = {name for name, kwargs in _patterns() if kwargs}
    assert with_ids <= set(world.objects), f"pages with an id the sweep does not know: {with_ids - set(world.objects)}"


def test_nobody_outside_the_unit_opens_or_changes_its_objects(world):
    leaks = []
    for who, (user, outside) in world.outsiders.items():
        client = _client(user)
        for name, (kwargs, level) in world.objects.items():
            if level not in outside:
                continue
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                allowed = {403, 404, 405}
                if user is None:
                    refused = response.status_code == 302 and response.url.startswith(reverse("login"))
                else:
                    refused = response.status_code in allowed
                if not refused:
                    leaks.append(f"{who} {method.upper()} {url} → {response.status_code}")
    assert leaks == []


def test_lists_and_pages_without_an_id_show_nothing_of_the_unit_to_outsiders(world):
    leaks = []
    for who, (user, outside) in world.outsiders.items():
        if "township" not in outside:
            continue
        client = _client(user)
        for name, kwargs in _patterns():
            if (
                kwargs
                or name in PUBLIC
                or (user is not None and name in ADMIN_PAGES and user.role in ADMIN_PAGES_ROLES)
            ):
                continue
            response = client.get(reverse(name))
            if user is None:
                if not (
                    response.status_code in (302, 405) and (response.status_code == 405 or "login" in response.url)
                ):
                    leaks.append(f"anonymous GET {name} → {response.status_code}")
                continue
            body = response.content.decode(errors="replace") if response.status_code == 200 else ""
            if "法泥村" in body or "关兴镇" in body:
                leaks.append(f"{who} GET {reverse(name)} shows 关兴镇/法泥村")
    assert leaks == []


# a count that works: each group 5 present of 5, all 好
DUTY_VOTES = {
    f"{g}_{name}": v
    for g in ("members", "masses", "committee")
    for name, v in (("group_size", 5), ("present", 5), ("good", 5), ("fair", 0), ("average", 0), ("poor", 0))
}
ADMIN_PAGES_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


def test_the_public_notice_is_the_only_unit_page_without_a_login(world):
    _kwargs, level = world.objects["publicity"]
    assert level is None
    assert Client().get(reverse("publicity", kwargs=_kwargs)).status_code == 200
    assert Client().get(reverse("publicity", kwargs={"token": "not-a-token"})).status_code == 404


def _model_changes() -> int:
    """Every write to the product's records leaves a django-auditlog entry: the sweep's change detector."""
    from audit.models import AuditEntry

    return AuditEntry.objects.exclude(action=AuditEntry.Action.ACCESS).count()


def test_inside_the_unit_each_action_answers_only_to_its_role(world):
    """Inside the unit too: an action posted, with data that would work, by a role that may not take it
    changes nothing; the role that may, succeeds (so the detector is shown to see a change)."""
    t = world.things
    actions = [
        # URL, data, who may, whether the allowed role's try succeeds in the demo's state
        (reverse("records:deed_confirm", args=[t["deed"].pk]), {}, {"secretary"}),
        (reverse("records:pledge_comment", args=[t["pledge"].pk]), {"comment": "措施具体"}, {"staff", "county"}),
        (reverse("inspections:flag_resolve", args=[t["flag"].pk]), {"action_taken": "已约谈书记"}, {"staff"}),
        (
            reverse("campaigns:objection_resolve", args=[t["objection"].pk]),
            {"upheld": "0", "note": "经核实不成立"},
            {"county"},
        ),
        (reverse("campaigns:step", args=[t["campaign"].pk, "sample"]), {}, {"county"}),
        (
            reverse("campaigns:urge", args=[t["campaign"].pk]),
            {"branch": [t["branch"].pk], "note": "请按时申报"},
            {"staff", "county"},
        ),
        (reverse("campaigns:action", args=[t["participant"].pk, "pass"]), {"methods": ["report"]}, {"staff"}),
        (reverse("inspections:round_close", args=[t["inspection"].pk]), {}, {"staff", "county"}),
        (
            reverse("ratings:step", args=[t["branch"].pk, demo_year(), "decide"]),
            {"revision": "0", "meeting_on": str(today()), "meeting_attendance": "1", "meeting_result": "通过"},
            {"secretary"},
        ),
        (reverse("ratings:step", args=[t["branch"].pk, demo_year() - 1, "return"]), {"reason": "请核实"}, {"staff"}),
        (reverse("duty_reports:votes", args=[t["duty_report"].pk]), DUTY_VOTES, {"staff"}),
        (reverse("duty_reports:round_advance", args=[t["duty_round"].pk]), {}, {"staff"}),
        (reverse("duty_reports:report", args=[t["duty_report"].pk]), {"text": "述" * 60, "revision": 1}, {"secretary"}),
        (
            reverse("awards:nominate", args=[t["selection"].pk]),
            {
                "candidate": t["participant"].branch.members.get(post="secretary").pk,
                "reason": "带领群众发展产业，成效明显。",
            },
            {"secretary"},
        ),
        (reverse("awards:step", args=[t["selection"].pk, "publicize"]), {}, {"staff"}),
        # the county's targets: only the county reviewer sets them
        (
            reverse("targets:plan") + f"?year={today().year}",
            {"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"},
            {"county"},
        ),
        # the registers: the branch's secretary and its township write, the county reads
        (
            reverse("records:recruit_advance", args=[t["recruit"].pk]),
            {"on": f"{demo_year()}-06-01"},
            {"secretary", "staff"},
        ),
        (reverse("records:reserve_remove", args=[t["reserve"].pk]), {"on": str(today())}, {"secretary", "staff"}),
        (
            reverse("records:dues", args=[t["branch"].pk]) + f"?month={demo_year()}-06",
            {f"due_{t['member'].pk}": "5", f"paid_{t['member'].pk}": "5"},
            {"secretary", "staff"},
        ),
        (
            reverse("records:year", args=[t["branch"].pk]) + f"?year={demo_year()}",
            {"cadres": "5"},
            {"secretary", "staff"},
        ),
        (
            reverse("awards:objection_new", args=[t["selection"].pk]),
            {"content": "来信反映的问题，请核实处理。", "received_on": "2026-11-01"},
            {"staff"},
        ),
    ]
    leaks = []
    for url, data, allowed in actions:
        for who, user in world.insiders.items():
            if who in allowed:
                continue
            before = _model_changes()
            response = _client(user).post(url, data)
            if response.status_code >= 500 or _model_changes() != before:
                leaks.append(f"{who} POST {url} → {response.status_code}, changed {_model_changes() - before}")
    assert leaks == []
    # the detector sees a permitted change
    for url, data, who in [
        (reverse("records:deed_confirm", args=[t["deed"].pk]), {}, "secretary"),
        (reverse("records:pledge_comment", args=[t["pledge"].pk]), {"comment": "措施具体"}, "staff"),
        (reverse("inspections:flag_resolve", args=[t["flag"].pk]), {"action_taken": "已约谈书记"}, "staff"),
        (reverse("duty_reports:votes", args=[t["duty_report"].pk]), DUTY_VOTES, "staff"),
        (reverse("records:year", args=[t["branch"].pk]) + f"?year={demo_year()}", {"cadres": "7"}, "secretary"),
    ]:
        before = _model_changes()
        _client(world.insiders[who]).post(url, data)
        assert _model_changes() > before, (who, url)


def test_inside_the_unit_every_page_opens_without_an_error(world):
    errors = []
    for who, user in world.insiders.items():
        client = _client(user)
        for name, (kwargs, _level) in world.objects.items():
            response = client.get(reverse(name, kwargs=kwargs))
            if response.status_code >= 500:
                errors.append(f"{who} GET {name} → {response.status_code}")
    assert errors == []
