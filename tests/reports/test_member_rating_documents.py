"""The members' star rating lists (党员星级评定名册 .xlsx, 评定结果 PDF) of a branch and of a township:
what the branch meeting decided, read back; who may ask for them."""

import io
import subprocess
from datetime import date
from unittest import mock

import pytest
from openpyxl import load_workbook

from common.dates import today
from ratings.services import branch_rating_approve, branch_rating_decide, branch_rating_save
from scoring.builtin import load_builtin_frameworks
from tests.factories import MemberFactory
from tests.ratings.conftest import dues_paid
from tests.reports.test_record_documents import _produce

YEAR = today().year - 1


@pytest.fixture
def decided(cast):
    """法泥村: 张三 and 王五 rated (both paid their 党费 every month), 王五's 1.2 lowered to 3 with a reason;
    decided and approved."""
    load_builtin_frameworks()
    other = MemberFactory(branch=cast.branch, name="王五", joined_on=date(YEAR - 3, 5, 1))
    secretary = cast.users["branch_secretary"]
    dues_paid([cast.member, other], YEAR, secretary)
    branch_rating_save(
        branch=cast.branch, year=YEAR, typed={(other.pk, "1.2"): ("3", "未交学习笔记")}, revision=0, actor=secretary
    )
    rating = branch_rating_decide(
        branch=cast.branch,
        year=YEAR,
        meeting_on=date(YEAR, 12, 20),
        attendance=2,
        result="表决通过",
        revision=1,
        actor=secretary,
    )
    branch_rating_approve(rating=rating, actor=cast.users["township_staff"])
    return other


def test_the_township_list_in_excel_reads_back_with_every_items_points(cast, decided):
    job = _produce(cast.users["township_staff"], "member_ratings_xlsx", year=YEAR)
    book = load_workbook(io.BytesIO(job.file.read()))
    rows = list(book["党员星级"].iter_rows(values_only=True))
    header = rows[1]
    assert header[:4] == ("乡镇", "党支部", "姓名", "1.1") and header[-5:] == (
        "总分",
        "星级",
        "等次",
        "调整及理由",
        "状态",
    )
    by_name = {row[2]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    assert set(by_name) == {"张三", "王五"}
    wang = by_name["王五"]
    # nothing else on record: 100 − 2 (1.2) − 15 (3.1, no pledge) − 8 (4.1) − 12 (4.2) = 63 → 2 stars
    assert (wang["1.2"], wang["总分"], wang["星级"], wang["调整及理由"]) == (3, 63, "★★（2星）", "1.2：未交学习笔记")
    assert wang["状态"] == "镇党委已审批" and by_name["张三"]["总分"] == 65
    progress = list(book["各支部进度"].iter_rows(values_only=True))
    fani = next(row for row in progress if row[1] == "法泥村党支部")
    assert fani[2:6] == ("镇党委已审批", f"{YEAR}-12-20", 2, "表决通过")
    assert any(row[1] == "新寨村党支部" and row[2] == "未开始" for row in progress)


def test_the_branch_list_as_a_pdf_names_the_meeting_and_each_members_stars(cast, decided, tmp_path):
    job = _produce(cast.users["branch_secretary"], "member_ratings_pdf", year=YEAR)
    assert job.params == {"branch": cast.branch.pk, "year": YEAR}  # a secretary: their own branch
    text = "".join(subprocess.run(["pdftotext", job.file.path, "-"], capture_output=True, text=True).stdout.split())
    assert f"法泥村党支部{YEAR}年度党员星级评定结果" in text
    assert f"{YEAR}年12月20日召开支部党员大会，到会党员2名，表决通过" in text
    assert "张三652星" in text and "王五632星" in text and "1.2未交学习笔记" in text
    assert "中共法泥村党支部" in text


def test_others_cannot_ask_for_the_list_of_a_unit_they_do_not_see(cast, decided, client_for):
    client = client_for(cast.users["other_township_staff"])
    with mock.patch("reports.services._enqueue"):
        response = client.post(
            "/reports/jobs/new/", {"kind": "member_ratings_xlsx", "year": YEAR, "branch": cast.branch.pk}
        )
    assert response.status_code == 404
