"""Documents from the records branches keep all year: the township's 党支部工作实绩表 (xlsx)
and the 述职评议年度实绩 (PDF, one page per branch); who may ask for them; their cost."""

import io
import subprocess
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import BranchKind, Post
from inspections.models import LedgerItem, LedgerStatus
from records.models import (
    Appraisal,
    DeedKind,
    LifeKind,
    MemberDeed,
    OrganisationalLife,
    Pledge,
    PledgeStatus,
    SolvedProblem,
)
from reports.models import Job, JobStatus
from reports.services import job_execute, job_request
from scoring.facts import GRID_COLUMNS
from tests.factories import BranchFactory, MemberFactory

PAST = 2025  # a whole year gone by: every month of it is due, whatever today is
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _produce(user, kind, **params):
    with mock.patch("reports.services._enqueue"):  # run in this process
        job, _how = job_request(user=user, kind=kind, params=params)
    job_execute(job.pk, worker="test")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def _request(client, **data):
    with mock.patch("reports.services._enqueue"):
        return client.post(reverse("reports:job_new"), data)


def _pdf_pages(job) -> list[str]:
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(["pdfinfo", job.file.path], capture_output=True, text=True).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    return [
        "".join(
            subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), job.file.path, "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
        )
        for n in range(1, pages + 1)
    ]


def _life(branch, actor, kind, *days):
    OrganisationalLife.objects.bulk_create(
        OrganisationalLife(branch=branch, kind=kind, held_on=day, topic="学习", recorded_by=actor) for day in days
    )


def _full_year(branch, member, actor, year):
    """Every meeting on time, a confirmed deed and two services, a problem solved, a pledge kept, 100 % satisfied,
    党费 paid every month since the member joined."""
    from records.models import DuesPayment

    DuesPayment.objects.bulk_create(
        DuesPayment(branch=branch, member=member, month=date(year, m, 1), due=1, paid=1, recorded_by=actor)
        for m in range(1, 13)
        if date(year, m, 1) >= member.joined_on.replace(day=1)
    )
    months = [date(year, m, 10) for m in range(1, 13)]
    quarters = [date(year, m, 20) for m in (1, 4, 7, 10)]
    _life(branch, actor, LifeKind.THEME_DAY, *months)
    _life(branch, actor, LifeKind.COMMITTEE_MEETING, *months)
    _life(branch, actor, LifeKind.GROUP_MEETING, *months)
    _life(branch, actor, LifeKind.GENERAL_MEETING, *quarters)
    _life(branch, actor, LifeKind.PARTY_LECTURE, *quarters)
    _life(branch, actor, LifeKind.LIFE_MEETING, date(year, 12, 15))
    now = datetime(year, 12, 31, 9, tzinfo=SHANGHAI)
    for kind, day in ((DeedKind.DEED, 3), (DeedKind.SERVICE, 4), (DeedKind.PAIRING, 5)):
        MemberDeed.objects.create(
            branch=branch,
            member=member,
            kind=kind,
            done_on=date(year, 5, day),
            description="代办医保",
            beneficiary="三组老人户",
            confirmed_by=actor,
            confirmed_at=now,
            recorded_by=actor,
        )
    SolvedProblem.objects.create(
        branch=branch, category="infrastructure", title="修通组道", solved_on=date(year, 8, 1), recorded_by=actor
    )
    Pledge.objects.create(
        branch=branch, member=member, year=year, content="带头调解", status=PledgeStatus.KEPT, recorded_by=actor
    )
    Appraisal.objects.create(
        branch=branch,
        held_on=date(year, 11, 1),
        forms=10,
        satisfied=8,
        basically_satisfied=2,
        dissatisfied=0,
        recorded_by=actor,
    )


@pytest.fixture
def grid_year(cast):
    """法泥村 did everything in PAST; 坡脚村 held its 主题党日 and 组织生活会 only; 新寨村 recorded
    nothing. The township's own office and the neighbour township's branch are not in the grid."""
    staff = cast.users["township_staff"]
    _full_year(cast.branch, cast.member, staff, PAST)
    pojiao = BranchFactory(township=cast.township, name="坡脚村党支部")
    _life(pojiao, staff, LifeKind.THEME_DAY, *(date(PAST, m, 1) for m in range(1, 13)))
    _life(pojiao, staff, LifeKind.LIFE_MEETING, date(PAST, 6, 30))
    BranchFactory(township=cast.township, name="镇直机关党支部", kind=BranchKind.TOWNSHIP_OFFICE)
    return pojiao


def test_the_grid_workbook_lists_the_laggards_first_with_the_facts_and_gaps(cast, grid_year):
    from branches.models import Branch

    # both laggards recorded with a 支委会: 12 × (支委会 + 党小组会) + 4 × (大会 + 党课) = 32 due
    Branch.objects.filter(name__in=["新寨村党支部", "坡脚村党支部"]).update(has_committee=True)
    job = _produce(cast.users["township_staff"], "facts_grid_xlsx", township=cast.township.pk, year=PAST)
    assert job.params == {"township": cast.township.pk, "year": PAST}
    assert job.filename == f"关兴镇·{PAST}年党支部工作实绩表.xlsx"
    sheet = load_workbook(io.BytesIO(job.file.read()))["工作实绩"]
    assert sheet["A1"].value.startswith(f"关兴镇·{PAST}年党支部工作实绩表（")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert list(rows[0]) == ["党支部", *(label for _name, label in GRID_COLUMNS), "差距"]
    assert [row[0] for row in rows[1:]] == ["新寨村党支部", "坡脚村党支部", "法泥村党支部"]
    xinzhai, pojiao, fani = rows[1:]
    # 主题党日, 组织生活会, 三会一课缺开, 办实事%, 服务%, 困难问题, 已践诺, 待兑现, 满意率%
    assert list(xinzhai[1:10]) == [0, 0, 32, "—", "—", 0, 0, 0, "—"]
    # the yearly figures and the registers: nothing recorded; no member, so no 党费 owed
    assert list(xinzhai[10:-1]) == ["—", "—", 4, 0, 0, 0, "—", "—", "—", "—", "—", "—"]
    assert xinzhai[-1] == "主题党日缺 12 个月；未开组织生活会；“三会一课”缺 32 次；未解决困难问题；未开展群众评议"
    assert list(pojiao[1:10]) == [12, 1, 32, "—", "—", 0, 0, 0, "—"]
    assert pojiao[-1] == "“三会一课”缺 32 次；未解决困难问题；未开展群众评议"
    assert list(fani[1:10]) == [12, 1, 0, 100, 100, 1, 1, 0, 100]
    assert fani[-1] in (None, "")
    # the long list of gaps wraps inside its column, in a row tall enough to print it (readers do not grow it)
    gaps = sheet.cell(row=3, column=len(GRID_COLUMNS) + 2)
    assert gaps.alignment.wrap_text and sheet.row_dimensions[3].height >= 30


def test_only_the_townships_own_staff_and_county_may_ask_for_its_grid(client_for, cast):
    url = {"kind": "facts_grid_xlsx", "township": cast.township.pk, "year": PAST}
    for role in ("other_township_staff", "other_county_reviewer"):
        assert _request(client_for(cast.users[role]), **url).status_code == 404, role
    secretary = client_for(cast.users["branch_secretary"])
    assert _request(secretary, **url | {"township": cast.neighbour_township.pk}).status_code == 404
    assert _request(secretary, **url).status_code == 403  # their own township: not a secretary's document
    assert _request(client_for(cast.users["township_staff"]), **url | {"year": 1999}).status_code == 400
    assert not Job.objects.exists()

    _request(client_for(cast.users["township_staff"]), kind="facts_grid_xlsx", year=PAST)  # no township: their own
    _request(client_for(cast.users["county_reviewer"]), **url | {"township": cast.neighbour_township.pk})
    own, neighbours = Job.objects.order_by("pk")
    assert own.params == {"township": cast.township.pk, "year": PAST}
    assert neighbours.params == {"township": cast.neighbour_township.pk, "year": PAST}
    seen_by = {
        role: client_for(cast.users[role]).get(reverse("reports:job", args=[own.pk])).status_code for role in cast.users
    }
    assert seen_by == {
        "county_reviewer": 200,
        "township_staff": 200,
        "branch_secretary": 404,
        "other_county_reviewer": 404,
        "other_township_staff": 404,
        "other_branch_secretary": 404,
    }
    assert client_for(cast.users["township_staff"]).get(reverse("reports:job", args=[neighbours.pk])).status_code == 404


def test_the_grid_page_offers_both_documents_for_its_township_and_year(client_for, cast):
    page = client_for(cast.users["county_reviewer"]).get(
        reverse("scoring:facts_grid"), {"township": cast.neighbour_township.pk, "year": PAST}
    )
    documents = page.content.decode().split('data-testid="grid-documents"')[1].split('data-testid="facts-grid"')[0]
    assert documents.count(reverse("reports:job_new")) == 2 and documents.count("csrfmiddlewaretoken") == 2
    assert 'value="facts_grid_xlsx"' in documents and 'value="annual_summary"' in documents
    assert documents.count(f'name="township" value="{cast.neighbour_township.pk}"') == 2
    assert documents.count(f'name="year" value="{PAST}"') == 2


@pytest.fixture
def summary_year(cast, report_campaign):
    """2026: 法泥村 has a secretary on the register, one 主题党日 and two ledger items closed
    (one of them with markup in its text); 新寨村 recorded nothing. Both passed verification."""
    staff = cast.users["township_staff"]
    MemberFactory(branch=cast.branch, name="王书记", post=Post.SECRETARY)
    _life(cast.branch, staff, LifeKind.THEME_DAY, date(2026, 3, 1))
    for problem, closed_at in (
        ("<b>活动室</b>制度未上墙", datetime(2026, 4, 2, 10, tzinfo=SHANGHAI)),
        ("党员档案不全", datetime(2026, 5, 6, 10, tzinfo=SHANGHAI)),
        ("去年销号的问题", datetime(2025, 12, 31, 23, tzinfo=SHANGHAI)),
    ):
        LedgerItem.objects.create(
            branch=cast.branch,
            problem=problem,
            task="整改",
            responsible="王书记",
            deadline=date(2026, 6, 30),
            status=LedgerStatus.CLOSED,
            created_by=staff,
            closed_at=closed_at,
        )
    LedgerItem.objects.create(
        branch=cast.branch, problem="尚未销号的问题", task="整改", responsible="王书记", deadline=date(2026, 6, 30),
        created_by=staff,
    )  # fmt: skip
    BranchFactory(township=cast.township, name="镇直机关党支部", kind=BranchKind.TOWNSHIP_OFFICE)
    return report_campaign


def test_the_annual_summary_gives_each_branch_one_page(cast, summary_year):
    job = _produce(cast.users["county_reviewer"], "annual_summary", township=cast.township.pk, year=2026)
    assert job.params == {"township": cast.township.pk, "year": 2026} and job.filename.endswith(".pdf")
    pages = _pdf_pages(job)
    assert len(pages) == 2  # 法泥村 and 新寨村; not the township's own office
    by_branch = {name: [p for p in pages if name in p] for name in ("法泥村党支部", "新寨村党支部")}
    assert all(len(found) == 1 for found in by_branch.values()), by_branch
    fani, xinzhai = by_branch["法泥村党支部"][0], by_branch["新寨村党支部"][0]
    for page in (fani, xinzhai):
        assert "2026年度党支部书记述职评议工作实绩" in page and "所属乡镇关兴镇" in page
        assert "2026年关兴镇“五好党支部”创建" in page and "验收通过" in page
    assert "王书记" in fani and "（未登记）" in xinzhai
    assert "组织生活记录：2026年有1个月开展了主题党日" in fani
    assert "组织生活记录：2026年有0个月开展了主题党日" in xinzhai
    assert "2026年问题台账销号2项" in fani and "2026年问题台账销号0项" in xinzhai
    assert "<b>活动室</b>制度未上墙" in fani and "党员档案不全" in fani  # user text printed as text
    assert "去年销号的问题" not in fani and "尚未销号的问题" not in fani
    assert "未开组织生活会" in xinzhai  # the gaps


def test_a_secretary_gets_the_summary_of_their_own_branch_only(client_for, cast, summary_year):
    secretary = client_for(cast.users["branch_secretary"])
    ask = {"kind": "annual_summary", "year": 2026}
    assert _request(secretary, **ask, branch=cast.sibling_branch.pk).status_code == 404
    assert _request(secretary, **ask, branch=cast.neighbour_branch.pk).status_code == 404
    assert not Job.objects.exists()
    _request(secretary, **ask, township=cast.township.pk)  # whatever is posted: their branch
    job = Job.objects.get()
    assert job.params == {"branch": cast.branch.pk, "year": 2026}
    job_execute(job.pk)
    job.refresh_from_db()
    pages = _pdf_pages(job)
    assert len(pages) == 1 and "法泥村党支部" in pages[0] and "新寨村党支部" not in pages[0]
    seen_by = {
        role: client_for(cast.users[role]).get(reverse("reports:job_download", args=[job.pk])).status_code
        for role in cast.users
    }
    assert seen_by == {
        "county_reviewer": 200,
        "township_staff": 200,
        "branch_secretary": 200,
        "other_county_reviewer": 404,
        "other_township_staff": 404,
        "other_branch_secretary": 404,
    }
    # the township's summary holds every branch: not for a secretary
    _request(client_for(cast.users["township_staff"]), kind="annual_summary", year=2026)
    township_job = Job.objects.exclude(pk=job.pk).get()
    assert township_job.params == {"township": cast.township.pk, "year": 2026}
    assert (
        client_for(cast.users["branch_secretary"]).get(reverse("reports:job", args=[township_job.pk])).status_code
        == 404
    )
    # township staff may ask for one branch of theirs, not another township's
    staff = client_for(cast.users["township_staff"])
    assert _request(staff, **ask, branch=cast.neighbour_branch.pk).status_code == 404
    assert _request(staff, **ask, township=cast.neighbour_township.pk).status_code == 404


def test_unchanged_records_reuse_the_file_and_a_new_record_makes_a_new_one(cast, grid_year):
    staff = cast.users["township_staff"]
    first = _produce(staff, "facts_grid_xlsx", year=PAST)
    with mock.patch("reports.services._enqueue"):
        again, how = job_request(user=staff, kind="facts_grid_xlsx", params={"year": PAST})
        assert (again.pk, how) == (first.pk, "reused")
        SolvedProblem.objects.create(
            branch=cast.sibling_branch, category="governance", title="调解纠纷", solved_on=date(PAST, 9, 1),
            recorded_by=staff,
        )  # fmt: skip
        _fresh, how = job_request(user=staff, kind="facts_grid_xlsx", params={"year": PAST})
    assert how == "created"


def _queries(build, job) -> int:
    from django.template.loader import render_to_string

    def render_only(template, context):  # the template, without the PDF layout: lazy lookups would show here
        return render_to_string(template, context).encode()

    with mock.patch("reports.pdf.render_pdf", side_effect=render_only):
        with CaptureQueriesContext(connection) as captured:
            build(job, None, lambda *_args: None)
    return len(captured)


def _grow(cast, n):
    staff = cast.users["township_staff"]
    while cast.township.branches.count() < n:
        branch = BranchFactory(township=cast.township)
        member = MemberFactory(branch=branch, post=Post.SECRETARY)
        _full_year(branch, member, staff, PAST)
        LedgerItem.objects.create(
            branch=branch, problem="问题", task="整改", responsible="书记", deadline=date(PAST, 6, 30),
            status=LedgerStatus.CLOSED, created_by=staff, closed_at=datetime(PAST, 7, 1, tzinfo=SHANGHAI),
        )  # fmt: skip


@pytest.mark.parametrize(
    "kind,label", [("facts_grid_xlsx", "党支部工作实绩表"), ("annual_summary", "述职评议年度实绩")]
)
def test_the_documents_cost_the_same_queries_for_3_or_10_branches(cast, report_campaign, kind, label):
    from reports.documents import DOCUMENTS

    report_campaign.year = PAST
    report_campaign.save()  # its two participants show on the summary
    job = Job(kind=kind, params={"township": cast.township.pk, "year": PAST}, title=f"关兴镇·{PAST}年{label}")
    build = DOCUMENTS[kind].build
    _grow(cast, 3)
    at_3 = _queries(build, job)
    _grow(cast, 10)
    assert _queries(build, job) == at_3
