"""Inspection rounds, quarterly rankings with their consequences, the ledger, 文号."""

import threading
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from common.dates import today
from inspections.models import (
    DocumentNumber,
    InspectedBranch,
    LedgerItem,
    LedgerStatus,
    Notice,
    RankingEntry,
    RoundKind,
    SecretaryActionFlag,
)
from inspections.services import (
    InspectionError,
    document_number_issue,
    finding_record,
    ledger_step,
    ranking_publish,
    ranking_rows,
    round_close,
    round_create,
)
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework
from tests.campaigns.helpers import fill_sheet
from tests.factories import BranchFactory


@pytest.fixture
def checklist(db):
    load_builtin_frameworks()
    return Framework.objects.get(code="inspection-organisational-life")


@pytest.fixture
def branches(cast):
    """Six branches of the township: the cast's two and four more."""
    extra = [BranchFactory(township=cast.township, name=f"{name}村党支部") for name in ("坡脚", "大田", "河边", "龙井")]
    return [cast.branch, cast.sibling_branch, *extra]


def _round(
    cast, checklist, branches, *, year=2026, quarter=1, kind=RoundKind.QUARTERLY, scores=None, close=True, staff=None
):
    """A round (by the cast's township staff unless ``staff`` says) where branch i loses scores[i] points (on graded items)."""
    staff = staff or cast.users["township_staff"]
    inspection_round = round_create(
        kind=kind,
        title=f"{year}年第{quarter}季度督查",
        year=year,
        quarter=quarter,
        held_on=date(year, quarter * 3, 20),
        inspectors="赵党建、钱组织",
        checklist=checklist,
        branches=branches,
        actor=staff,
    )
    for inspected, off in zip(inspection_round.inspected.order_by("pk"), scores or [0] * len(branches), strict=True):
        fill_sheet(inspected.sheet, staff, points_off=D(off))
    if close:
        round_close(inspection_round, actor=staff)
    return inspection_round


def _names(rows):
    return [row["branch__name"] for row in rows]


def test_ranking_combines_rounds_by_mean_and_breaks_ties(cast, checklist, branches):
    """法泥 loses 10 then 0 → mean 95, lowest 90; 新寨 loses 5 and 5 → mean 95, lowest 95: 新寨 ranks above 法泥.
    Every other branch keeps 100 in both rounds; among equals the name decides."""
    _round(cast, checklist, branches, scores=[10, 5, 0, 0, 0, 0])
    _round(cast, checklist, branches, scores=[0, 5, 0, 0, 0, 0])
    rows = list(ranking_rows(cast.township, 2026, 1))
    assert [(row["branch__name"], row["score"], row["rounds"]) for row in rows][-2:] == [
        ("新寨村党支部", D(95), 2),
        ("法泥村党支部", D(95), 2),
    ]
    assert _names(rows)[:4] == sorted(_names(rows)[:4])  # the tie at 100 breaks on the name
    assert [row["position"] for row in rows] == [1, 2, 3, 4, 5, 6]


def test_open_rounds_do_not_count_and_a_grave_finding_breaks_a_tie(cast, checklist, branches):
    _round(cast, checklist, branches, scores=[0, 0, 0, 0, 0, 50], close=False)
    assert list(ranking_rows(cast.township, 2026, 1)) == []
    unfilled = round_create(
        kind=RoundKind.MONTHLY,
        title="月调度",
        year=2026,
        quarter=1,
        held_on=date(2026, 2, 1),
        inspectors="赵",
        checklist=checklist,
        branches=branches,
        actor=cast.users["township_staff"],
    )
    with pytest.raises(InspectionError, match="还有 6 个党支部的督查评分表未填完"):
        round_close(unfilled, actor=cast.users["township_staff"])
    inspection_round = _round(cast, checklist, branches)
    grave = InspectedBranch.objects.get(inspection_round=inspection_round, branch__name="大田村党支部")
    finding_record(
        inspected=grave,
        description="会议记录后补",
        category="rules",
        severity="grave",
        actor=cast.users["township_staff"],
    )
    assert _names(ranking_rows(cast.township, 2026, 1))[-1] == "大田村党支部"


def test_ranking_is_one_query_whatever_the_branches(cast, checklist, branches, django_assert_num_queries):
    _round(cast, checklist, branches)
    with django_assert_num_queries(1):
        assert len(list(ranking_rows(cast.township, 2026, 1))) == 6


def test_bottom_three_twice_running_flags_the_secretary_across_the_year(cast, checklist, branches):
    staff = cast.users["township_staff"]
    # 2025 Q4: 法泥, 新寨, 坡脚 are the bottom 3
    _round(cast, checklist, branches, year=2025, quarter=4, scores=[9, 8, 7, 0, 0, 0])
    q4 = ranking_publish(township=cast.township, year=2025, quarter=4, actor=staff)
    assert sorted(e.branch.name for e in q4.entries.filter(bottom_three=True)) == [
        "坡脚村党支部",
        "新寨村党支部",
        "法泥村党支部",
    ]
    assert not SecretaryActionFlag.objects.exists()
    # 2026 Q1: only 法泥 is in the bottom 3 again
    _round(cast, checklist, branches, year=2026, quarter=1, scores=[9, 0, 0, 7, 8, 0])
    ranking_publish(township=cast.township, year=2026, quarter=1, actor=staff)
    flag = SecretaryActionFlag.objects.get()
    assert (flag.branch, flag.year, flag.quarter, flag.resolved_at) == (cast.branch, 2026, 1, None)
    with pytest.raises(InspectionError, match="已于"):
        ranking_publish(township=cast.township, year=2026, quarter=1, actor=staff)
    assert RankingEntry.objects.filter(ranking__quarter=1).count() == 6


def test_an_unannounced_round_is_hidden_from_secretaries_until_closed(cast, checklist, branches):
    inspection_round = _round(cast, checklist, branches, kind=RoundKind.UNANNOUNCED, close=False)
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    assert not InspectedBranch.objects.visible_to(secretary).exists()
    from scoring.models import ScoreSheet

    assert not ScoreSheet.objects.visible_to(secretary).filter(stage="inspection").exists()
    assert InspectedBranch.objects.visible_to(staff).count() == 6
    round_close(inspection_round, actor=staff)
    assert InspectedBranch.objects.visible_to(secretary).get().branch == cast.branch
    assert ScoreSheet.objects.visible_to(secretary).get(stage="inspection").branch == cast.branch


def test_the_branch_page_keeps_an_unannounced_rounds_sheet_from_the_secretary(cast, checklist, branches, client_for):
    inspection_round = _round(cast, checklist, branches, kind=RoundKind.UNANNOUNCED, close=False)
    sheet = InspectedBranch.objects.get(inspection_round=inspection_round, branch=cast.branch).sheet
    title = reverse("scoring:sheet_fill", args=[sheet.pk])  # the sheet's line on the page links to it
    secretary_page = client_for(cast.users["branch_secretary"]).get(f"/branches/{cast.branch.pk}/").content.decode()
    staff_page = client_for(cast.users["township_staff"]).get(f"/branches/{cast.branch.pk}/").content.decode()
    assert title in staff_page and title not in secretary_page
    round_close(inspection_round, actor=cast.users["township_staff"])
    assert title in client_for(cast.users["branch_secretary"]).get(f"/branches/{cast.branch.pk}/").content.decode()


def _ledger_item(cast, checklist, branches):
    inspection_round = _round(cast, checklist, branches)
    inspected = InspectedBranch.objects.get(inspection_round=inspection_round, branch=cast.branch)
    finding_record(
        inspected=inspected,
        description="6月主题党日未开展",
        category="organisational_life",
        severity="serious",
        actor=cast.users["township_staff"],
        task="补开主题党日并完善记录",
        responsible="徐强华",
        deadline=today() + timedelta(days=10),
    )
    return LedgerItem.objects.get()


def test_a_finding_becomes_a_ledger_item_rectified_and_closed(cast, checklist, branches):
    item = _ledger_item(cast, checklist, branches)
    assert (item.source, item.status, item.finding.severity) == ("inspection", LedgerStatus.OPEN, "serious")
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    with pytest.raises(InspectionError, match="请写明整改情况"):
        ledger_step(item, "rectify", text=" ", actor=secretary)
    ledger_step(item, "rectify", text="7月5日补开，记录已上传", actor=secretary)
    with pytest.raises(InspectionError, match="您不能销号"):
        ledger_step(item, "close", text="", actor=secretary)
    ledger_step(item, "send_back", text="缺少照片", actor=staff)
    ledger_step(item, "rectify", text="照片已补", actor=secretary)
    item = ledger_step(item, "close", text="", actor=staff)
    assert item.status == LedgerStatus.CLOSED and item.closed_at is not None
    assert list(item.events.values_list("action", flat=True)) == ["rectify", "send_back", "rectify", "close"]
    with pytest.raises(InspectionError, match="已销号"):
        ledger_step(item, "rectify", text="再报", actor=secretary)


def test_outsiders_cannot_touch_a_ledger_item(cast, checklist, branches):
    item = _ledger_item(cast, checklist, branches)
    for role in ("other_branch_secretary", "other_township_staff", "other_county_reviewer"):
        with pytest.raises(PermissionDenied):
            ledger_step(item, "rectify", text="越权", actor=cast.users[role])
    item.refresh_from_db()
    assert item.status == LedgerStatus.OPEN and not item.events.exists()


def test_document_numbers_run_without_gaps_or_duplicates(cast):
    staff = cast.users["township_staff"]
    numbers = [document_number_issue(issuer="关党发", year=2026, purpose="通报", actor=staff) for _ in range(3)]
    assert [str(n) for n in numbers] == ["关党发〔2026〕1号", "关党发〔2026〕2号", "关党发〔2026〕3号"]
    assert str(document_number_issue(issuer="关党发", year=2027, purpose="通报", actor=staff)) == "关党发〔2027〕1号"


@pytest.mark.django_db(transaction=True)
def test_document_numbers_issued_at_once_stay_unique(cast):
    staff = cast.users["township_staff"]
    errors = []

    def issue():
        try:
            document_number_issue(issuer="关党发", year=2026, purpose="通报", actor=staff)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(DocumentNumber.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 9))


def test_a_quarter_notice_names_the_bottom_three_in_order_with_its_number(cast, checklist, branches, client_for):
    import re
    import subprocess
    from unittest import mock

    from reports.models import Job
    from reports.services import job_execute

    staff = cast.users["township_staff"]
    _round(cast, checklist, branches, year=2025, quarter=4, scores=[9, 8, 7, 0, 0, 0])
    ranking_publish(township=cast.township, year=2025, quarter=4, actor=staff)
    _round(cast, checklist, branches, year=2026, quarter=1, scores=[9, 0, 0, 7, 8, 0])
    ranking = ranking_publish(township=cast.township, year=2026, quarter=1, actor=staff)
    with mock.patch("reports.services._enqueue"):
        response = client_for(staff).post(reverse("reports:notice_issue", args=[ranking.pk]), {"opening": ""})
    job = Job.objects.get(kind="notice")
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    job_execute(job.pk)
    job.refresh_from_db()
    text = subprocess.run(["pdftotext", job.file.path, "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    number = re.search(r"关党发〔(\d{4})〕(\d+)号", flat)
    assert number and number.group(2) == "1"  # the first notice of the year, no leading zeros
    bottom = re.search(r"二、排名后3位的党支部(.*?)排名后3位，予以通报", flat).group(1)
    # Q1 2026 losses: 法泥 9, 河边 8, 大田 7 → 大田 4th (93), 河边 5th (92), 法泥 6th (91)
    assert re.findall(r"(\w+?村党支部)（第(\d)名", bottom) == [
        ("大田村党支部", "4"),
        ("河边村党支部", "5"),
        ("法泥村党支部", "6"),
    ]
    assert "法泥村党支部连续两个季度排名后3位" in flat
    # the ranking page lists the quarter's notice with its 文号, to print again without a new number
    page = client_for(staff).get(reverse("inspections:ranking"), {"year": 2026, "quarter": 1}).content.decode()
    notice = Notice.objects.get()
    assert f"{notice.number} {notice.title}" in page and "再发一份督查通报" in page
    # the secretary of 法泥村 finds the notice on the home page; the sibling branch's secretary does not
    home = client_for(cast.users["branch_secretary"]).get(reverse("home")).content.decode()
    assert "关党发〔" in home
    assert "关党发〔" not in client_for(cast.users["other_branch_secretary"]).get(reverse("home")).content.decode()


def test_the_flag_shows_on_the_branch_page_until_resolved(cast, checklist, branches, client_for):
    from inspections.services import flag_resolve

    staff = cast.users["township_staff"]
    _round(cast, checklist, branches, year=2025, quarter=4, scores=[9, 8, 7, 0, 0, 0])
    ranking_publish(township=cast.township, year=2025, quarter=4, actor=staff)
    _round(cast, checklist, branches, year=2026, quarter=1, scores=[9, 0, 0, 7, 8, 0])
    ranking_publish(township=cast.township, year=2026, quarter=1, actor=staff)
    url = reverse("home:branch", args=[cast.branch.pk])
    assert "连续两个季度督查排名后3位" in client_for(staff).get(url).content.decode()
    flag_resolve(SecretaryActionFlag.objects.get(), action_taken="镇党委书记约谈支部书记，限期整改", actor=staff)
    assert "连续两个季度督查排名后3位" not in client_for(staff).get(url).content.decode()


def _meetings(branch, actor, months, kinds):
    from records.services import organisational_life_record

    for month in months:
        for kind in kinds:
            organisational_life_record(
                branch=branch, kind=kind, held_on=date(2026, month, 12), topic="会议", attendees=[], actor=actor
            )


def _round_opened(cast, checklist, branches):
    return round_create(
        kind=RoundKind.QUARTERLY,
        title="2026年第3季度督查",
        year=2026,
        quarter=3,
        held_on=date(2026, 9, 25),
        inspectors="赵党建",
        checklist=checklist,
        branches=branches,
        actor=cast.users["township_staff"],
    )


def test_a_rounds_checklist_opens_filled_from_the_quarters_records(cast, checklist, branches):
    """Q3 2026: 法泥 held every meeting each month; 新寨 only a 主题党日 in July.
    2.1 (主题党日, 8 off per missing month): 法泥 none missing; 新寨 Aug + Sep missing: 2 (24 − 16 = 8 points).
    1.1 (三会一课, 3 off each): 新寨 (recorded with a 支委会) misses 支委会 and 党小组会 ×3 months
    + 大会 + 党课: 8 (24 − 24 = 0)."""
    from records.models import LifeKind

    cast.sibling_branch.has_committee = True
    cast.sibling_branch.save()
    secretary = cast.users["branch_secretary"]
    _meetings(cast.branch, secretary, (7, 8, 9), [k for k, _ in LifeKind.choices])
    _meetings(cast.sibling_branch, cast.users["township_staff"], (7,), [LifeKind.THEME_DAY])

    inspection_round = _round_opened(cast, checklist, branches)
    entries = {
        (i.branch.name, e.item.code): e.occurrences
        for i in inspection_round.inspected.select_related("branch")
        for e in i.sheet.entries.select_related("item")
    }
    assert entries[("法泥村党支部", "2.1")] == 0
    assert entries[("法泥村党支部", "1.1")] == 0
    assert entries[("新寨村党支部", "2.1")] == 2
    assert entries[("新寨村党支部", "1.1")] == 8
    # every branch without records misses all three months' 主题党日
    assert entries[("龙井村党支部", "2.1")] == 3


def test_a_round_reads_the_records_of_all_its_branches_at_once(cast, checklist, branches):
    from django.test.utils import CaptureQueriesContext

    def record_queries(chosen):
        with CaptureQueriesContext(connection) as queries:
            _round_opened(cast, checklist, chosen)
        return sum("branches_organisationallife" in q["sql"] for q in queries.captured_queries)

    assert record_queries(branches[:2]) == record_queries(branches) > 0
