"""The items filled from the branch's standing documents (台账资料) and its education records: for
each, the documents that fill it and the points they give (none, some, all of its group), on a
sheet made by ``score_sheet_create``; and an open sheet follows a document saved later."""

from datetime import date
from decimal import Decimal as D

import pytest

from common.dates import today
from records.models import DocumentKind as K
from records.models import LifeKind
from records.services import document_record, organisational_life_record
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework, Stage
from scoring.services import score_sheet_create, sheet_entries
from tests.scoring.test_fact_links import points

YEAR = today().year - 1


@pytest.fixture
def frameworks(db):
    load_builtin_frameworks()
    return {f.code: f for f in Framework.objects.all()}


@pytest.fixture
def secretary(cast):
    return cast.users["branch_secretary"]


# framework, item, the documents of its group, and the points with none, the first one, all of them
DOCUMENT_ITEMS = [
    ("wuhao", "2.2", [K.ECONOMY_PLAN, K.ECONOMY_FIVE_YEAR], ("0", "1", "3")),
    ("wuhao", "2.4", [K.IDLE_ASSETS], ("0", "1.5", "1.5")),
    ("wuhao", "3.1", [K.SANITATION_RULES, K.CLEANERS, K.SANITATION_DUTIES], ("0", "1", "3")),
    ("wuhao", "4.1", [K.GRID_MAP, K.GRID_STAFF, K.GRID_SERVICE], ("0", "1.5", "3")),
    ("wuhao", "4.3", [K.PETTY_POWER_LIST, K.VILLAGER_COUNCIL], ("0", "1", "2")),
    ("wuhao", "4.8", [K.LEFT_BEHIND_LEDGER, K.LEFT_BEHIND_PAIRS, K.LEFT_BEHIND_VISITS], ("0", "1", "3")),
    ("standardization", "1.1.1", [K.STUDY_PLAN, K.STUDY_RECORDS], ("0", "1", "2")),
    ("standardization", "1.2.2", [K.LOOK_BACK], ("0", "1", "1")),
    ("standardization", "1.3.1", [K.TWO_STUDIES_PLAN, K.THEME_EDUCATION], ("0", "1", "2")),
    ("standardization", "1.5.1", [K.DEVELOPMENT_PLAN, K.POVERTY_PLAN, K.ASSISTANCE_MEASURES], ("0", "0.5", "2")),
    ("standardization", "2.2.1", [K.SUPERVISION_DUTIES, K.SUPERVISION_RECORDS], ("0", "1", "2")),
    ("standardization", "2.7.1", [K.WECHAT_GROUP], ("0", "1", "1")),
    ("standardization", "2.7.2", [K.ON_DUTY_ROTA, K.ON_DUTY_REGISTER], ("0", "0.5", "1")),
    (
        "standardization",
        "4.1.1",
        [K.CADRE_TRAINING, K.CADRE_SELECTION, K.CADRE_SUPERVISION, K.CADRE_APPRAISAL, K.CADRE_INCENTIVES],
        ("0", "0", "2"),
    ),
    ("standardization", "4.6.1", [K.LEADING_GROUP], ("0", "1", "1")),
    ("standardization", "4.6.2", [K.PROMOTION_PLAN], ("0", "1", "1")),
    ("standardization", "6.3.1", [K.VENUE_RULES], ("0", "1", "1")),
]


@pytest.mark.parametrize(("code", "item", "kinds", "expected"), DOCUMENT_ITEMS)
def test_an_item_follows_the_documents_kept_for_the_year(cast, frameworks, secretary, code, item, kinds, expected):
    branch = cast.branch
    got = [points(frameworks, code, branch, item, actor=secretary)[1]]
    document_record(branch=branch, kind=kinds[0], year=YEAR, title="", actor=secretary)
    got.append(points(frameworks, code, branch, item, actor=secretary)[1])
    for kind in kinds[1:]:
        document_record(branch=branch, kind=kind, year=YEAR, title="", actor=secretary)
    document_record(branch=branch, kind=kinds[0], year=YEAR - 1, title="上一年的不算", actor=secretary)
    got.append(points(frameworks, code, branch, item, actor=secretary)[1])
    assert got == [D(points_) for points_ in expected]


# 标准化 items filled from the education records: the records, and the points (none, some, all)
EDUCATION_ITEMS = [
    ("1.4.1", [LifeKind.RELAY_STUDY], ("0", "1.5", "1.5")),
    ("5.4.1", [LifeKind.CENTRAL_TRAINING, LifeKind.THEORY_TALK], ("0", "1", "2")),
    ("5.5.1", [LifeKind.WINTER_TRAINING, LifeKind.SKILLS_TRAINING], ("0", "0.5", "1.5")),
]


@pytest.mark.parametrize(("item", "kinds", "expected"), EDUCATION_ITEMS)
def test_an_education_item_follows_the_records(cast, frameworks, secretary, item, kinds, expected):
    branch = cast.branch

    def held(kind):
        organisational_life_record(
            branch=branch, kind=kind, held_on=date(YEAR, 3, 5), topic="记录", attendees=[], actor=secretary
        )

    got = [points(frameworks, "standardization", branch, item, actor=secretary)[1]]
    held(kinds[0])
    got.append(points(frameworks, "standardization", branch, item, actor=secretary)[1])
    for kind in kinds[1:]:
        held(kind)
    got.append(points(frameworks, "standardization", branch, item, actor=secretary)[1])
    assert got == [D(p) for p in expected]


def test_skills_training_without_winter_training_is_not_a_winter_training(cast, frameworks, secretary):
    organisational_life_record(
        branch=cast.branch,
        kind=LifeKind.SKILLS_TRAINING,
        held_on=date(YEAR, 4, 1),
        topic="技能培训",
        attendees=[],
        actor=secretary,
    )
    assert points(frameworks, "standardization", cast.branch, "5.5.1", actor=secretary)[1] == 0


def test_an_open_sheet_follows_a_document_saved_later_and_names_it_as_evidence(cast, frameworks, secretary, client_for):
    sheet = score_sheet_create(
        framework=frameworks["standardization"],
        branch=cast.branch,
        stage=Stage.SELF_ASSESSMENT,
        year=YEAR,
        actor=secretary,
    )
    assert sheet_entries(sheet)["2.7.1"].met is False  # none on record: 按记录 not met
    document_record(branch=cast.branch, kind=K.WECHAT_GROUP, year=YEAR, title="群截图", actor=secretary)
    assert sheet_entries(sheet)["2.7.1"].met is True
    page = client_for(secretary).get(f"/scoring/sheets/{sheet.pk}/").content.decode()
    assert f"台账资料：{YEAR}年已保存党支部微信群（党员均已入群）" in page
    assert f"/branches/{cast.branch.pk}/documents/?year={YEAR}#document-wechat_group-" in page


def test_the_ledger_decides_7_4_1_only_when_it_holds_problems(cast, frameworks, secretary):
    from inspections.models import LedgerItem
    from inspections.services import ledger_item_create

    def opened():
        return score_sheet_create(
            framework=frameworks["standardization"],
            branch=cast.branch,
            stage=Stage.SELF_ASSESSMENT,
            year=YEAR,
            actor=secretary,
        )

    assert "7.4.1" not in sheet_entries(opened())  # nothing on the ledger: left to the filler
    item = ledger_item_create(
        branch=cast.branch,
        problem="会议记录不全",
        task="补齐记录",
        responsible="张三",
        deadline=today(),
        actor=cast.users["township_staff"],
    )
    # recorded while its deadline lay ahead (a past one is refused as it is set)
    LedgerItem.objects.filter(pk=item.pk).update(deadline=date(YEAR, 6, 30))
    assert sheet_entries(opened())["7.4.1"].met is True


def test_the_documents_page_lists_what_is_kept_and_offers_what_is_missing(cast, secretary, client_for):
    document_record(branch=cast.branch, kind=K.GRID_MAP, year=YEAR, title="网格图", actor=secretary)
    client = client_for(secretary)
    url = f"/branches/{cast.branch.pk}/documents/?year={YEAR}"
    page = client.get(url).content.decode()
    assert "已有 1 / 36 种" in page and "网格图" in page
    assert 'data-testid="add-grid_staff"' in page and 'data-testid="add-grid_map"' not in page
    chosen = client.get(f"{url}&kind=grid_staff").content.decode()
    assert 'value="grid_staff" selected' in chosen
    # another branch's secretary does not see it
    other = client_for(cast.users["other_branch_secretary"]).get(url)
    assert other.status_code == 404
