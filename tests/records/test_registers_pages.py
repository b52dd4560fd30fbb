"""The registers' pages (发展党员, 后备干部, 党费, 年度情况) and their back-log workbook: who opens and
writes them, what a refusal looks like, what is pre-filled, and an import that saves all or nothing."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from branches.models import Member, Post
from common.dates import today
from records.models import BranchYear, DuesPayment, LifeKind, OneShoulder, Recruit, RecruitStage, ReserveCadre
from records.registers_xlsx import GUIDE_SHEET, SHEETS, registers_template
from records.services import organisational_life_record
from records.services.registers import (
    ERROR_DUES_BEFORE_JOINING,
    branch_year_save,
    dues_month_save,
    recruit_record,
    reserve_cadre_record,
)
from tests.factories import MemberFactory

YEAR = today().year - 1  # a year that is over: every date in it is past
PAGES = ["recruits", "reserves", "dues", "year", "registers_template"]
INSIDERS = ["branch_secretary", "township_staff", "county_reviewer"]
OUTSIDERS = ["other_branch_secretary", "other_township_staff", "other_county_reviewer"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _url(name, pk, query=""):
    return reverse(f"records:{name}", args=[pk]) + query


def _recruit(cast, **dates):
    return recruit_record(
        branch=cast.branch,
        name="王小梅",
        gender="F",
        birth_year=1995,
        applied_on=dates.pop("applied_on", date(YEAR, 3, 1)),
        actor=cast.users["branch_secretary"],
        **dates,
    )


# ---------------------------------------------------------------- who opens and who writes


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", INSIDERS)
def test_it_opens_each_page_for_the_branch_its_township_and_its_county(cast, client_for, page, who):
    response = client_for(cast.users[who]).get(_url(page, cast.branch.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("page", [*PAGES, "registers_import"])
@pytest.mark.parametrize("who", OUTSIDERS)
def test_it_answers_404_to_another_unit(cast, client_for, page, who):
    assert client_for(cast.users[who]).get(_url(page, cast.branch.pk)).status_code == 404


def test_it_refuses_every_write_to_the_county_which_reads(cast, client_for):
    recruit = _recruit(cast)
    cadre = reserve_cadre_record(
        branch=cast.branch,
        name="赵强",
        gender="M",
        birth_year=1990,
        added_on=date(YEAR, 1, 5),
        actor=cast.users["branch_secretary"],
    )
    client = client_for(cast.users["county_reviewer"])
    posts = [
        (
            _url("recruits", cast.branch.pk),
            {"name": "李", "gender": "M", "birth_year": 1990, "applied_on": "2020-01-01"},
        ),
        (reverse("records:recruit_advance", args=[recruit.pk]), {"on": str(date(YEAR, 6, 1))}),
        (_url("reserves", cast.branch.pk), {"name": "李", "gender": "M", "birth_year": 1990, "added_on": "2020-01-01"}),
        (reverse("records:reserve_remove", args=[cadre.pk]), {"on": str(today())}),
        (_url("dues", cast.branch.pk), {f"due_{cast.member.pk}": "10", f"paid_{cast.member.pk}": "10"}),
        (_url("year", cast.branch.pk), {"cadres": "5"}),
        (_url("registers_import", cast.branch.pk), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert client.get(_url("registers_import", cast.branch.pk)).status_code == 403
    recruit.refresh_from_db()
    cadre.refresh_from_db()
    assert (recruit.activist_on, cadre.removed_on) == (None, None)
    assert not DuesPayment.objects.exists() and not BranchYear.objects.exists()


# ---------------------------------------------------------------- 发展党员


def test_it_records_an_applicant_and_advances_them_step_by_step_to_the_roll(cast, client_for):
    client = client_for(cast.users["branch_secretary"])
    response = client.post(
        _url("recruits", cast.branch.pk),
        {"name": "王小梅", "gender": "F", "birth_year": "1995", "applied_on": str(date(YEAR, 3, 1))},
    )
    assert response.status_code == 302
    recruit = Recruit.objects.get(branch=cast.branch, name="王小梅")
    page = client.get(_url("recruits", cast.branch.pk)).content.decode()
    assert "记为入党积极分子" in page and "自动将其列入本支部党员名册" in page

    for on in (date(YEAR, 9, 1), date(YEAR, 10, 1), date(YEAR, 12, 1)):
        assert client.post(reverse("records:recruit_advance", args=[recruit.pk]), {"on": str(on)}).status_code == 302
    recruit.refresh_from_db()
    assert recruit.stage == RecruitStage.PROBATIONARY
    assert recruit.member.post == Post.PROBATIONARY and recruit.member.joined_on == date(YEAR, 12, 1)
    page = client.get(_url("recruits", cast.branch.pk)).content.decode()
    assert "记为正式党员" in page and "已列入党员名册" in page


def test_it_refuses_a_step_dated_before_the_one_before_and_keeps_the_date_typed(cast, client_for):
    recruit = _recruit(cast, activist_on=date(YEAR, 6, 1))
    early = date(YEAR, 5, 20)
    response = client_for(cast.users["branch_secretary"]).post(
        reverse("records:recruit_advance", args=[recruit.pk]), {"on": str(early)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"“发展对象”的日期（{early:%Y-%m-%d}）不能早于上一步“入党积极分子”的日期（{YEAR}-06-01）。" in page
    assert f'value="{early:%Y-%m-%d}"' in page  # what was typed is still there
    recruit.refresh_from_db()
    assert recruit.prospect_on is None


def test_it_refuses_a_future_date_and_a_second_entry_of_the_same_person(cast, client_for):
    client = client_for(cast.users["branch_secretary"])
    data = {"name": "王小梅", "gender": "F", "birth_year": "1995", "applied_on": str(today() + timedelta(days=1))}
    response = client.post(_url("recruits", cast.branch.pk), data)
    assert "不能晚于今天" in response.content.decode()
    assert 'value="王小梅"' in response.content.decode()
    _recruit(cast)
    response = client.post(_url("recruits", cast.branch.pk), {**data, "applied_on": str(date(YEAR, 1, 2))})
    assert "同一人只登记一次" in response.content.decode()
    assert Recruit.objects.count() == 1


# ---------------------------------------------------------------- 后备干部


def test_it_shows_the_pool_against_the_two_committees_and_takes_a_cadre_out(cast, client_for):
    secretary = cast.users["branch_secretary"]
    for name, born in (("赵强", 1990), ("钱芳", 1992), ("孙磊", 1988)):
        reserve_cadre_record(
            branch=cast.branch, name=name, gender="M", birth_year=born, added_on=date(YEAR, 1, 5), actor=secretary
        )
    this_year = today().year
    client = client_for(secretary)
    page = client.get(_url("reserves", cast.branch.pk)).content.decode()
    assert '村“两委”成员 <span class="text-danger">未填报</span>' in page
    branch_year_save(branch=cast.branch, year=this_year, cadres=2, actor=secretary)
    page = client.get(_url("reserves", cast.branch.pk)).content.decode()
    assert "后备干部 <strong>3</strong> 人 : 村“两委”成员 <strong>2</strong> 人 =" in page
    assert "还差 1 人" in page  # 1:2 → 4 wanted

    cadre = ReserveCadre.objects.get(name="赵强")
    response = client.post(reverse("records:reserve_remove", args=[cadre.pk]), {"on": str(date(YEAR, 1, 1))})
    assert "出库日期不能早于入库日期" in response.content.decode()
    assert client.post(reverse("records:reserve_remove", args=[cadre.pk]), {"on": str(today())}).status_code == 302
    cadre.refresh_from_db()
    assert cadre.removed_on == today()


# ---------------------------------------------------------------- 党费


def test_the_dues_page_fills_from_the_previous_month_and_saves_the_month(cast, client_for):
    secretary = cast.users["branch_secretary"]
    other = MemberFactory(branch=cast.branch, name="刘五", joined_on=date(YEAR - 5, 1, 1))
    march, april = date(YEAR, 3, 1), date(YEAR, 4, 1)
    dues_month_save(
        branch=cast.branch,
        month=march,
        amounts={cast.member: (Decimal("12.50"), Decimal("12.50")), other: (Decimal(3), Decimal(0))},
        actor=secretary,
    )
    client = client_for(secretary)
    page = client.get(_url("dues", cast.branch.pk, f"?month={april:%Y-%m}")).content.decode()
    assert page.count('text-bg-warning">未登记') == 2
    assert f'name="due_{cast.member.pk}" id="id_due_{cast.member.pk}" value="12.50"' in page
    assert f'name="paid_{other.pk}" id="id_paid_{other.pk}" value="0.00"' in page

    response = client.post(
        _url("dues", cast.branch.pk, f"?month={april:%Y-%m}"),
        {
            f"due_{cast.member.pk}": "12.50",
            f"paid_{cast.member.pk}": "12.50",
            f"due_{other.pk}": "",
            f"paid_{other.pk}": "",
        },
    )
    assert response.status_code == 302
    saved = DuesPayment.objects.get(member=cast.member, month=april)
    assert (saved.due, saved.paid) == (Decimal("12.50"), Decimal("12.50"))
    assert not DuesPayment.objects.filter(member=other, month=april).exists()  # a blank row is left out
    page = client.get(_url("dues", cast.branch.pk, f"?month={april:%Y-%m}")).content.decode()
    assert page.count('text-bg-warning">未登记') == 1
    assert "4月 1/2 · 足额1" in page


def test_a_negative_or_wrong_amount_is_refused_and_nothing_typed_is_lost(cast, client_for):
    month = date(YEAR, 5, 1)
    response = client_for(cast.users["branch_secretary"]).post(
        _url("dues", cast.branch.pk, f"?month={month:%Y-%m}"),
        {f"due_{cast.member.pk}": "-5", f"paid_{cast.member.pk}": "9" * 30},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "不能为负数。" in page and "数字过大。" in page
    assert 'value="-5"' in page and f'value="{"9" * 30}"' in page
    assert not DuesPayment.objects.exists()


def test_a_month_before_the_member_joined_is_refused(cast):
    newcomer = MemberFactory(branch=cast.branch, name="新党员", joined_on=date(YEAR, 6, 15))
    with pytest.raises(ValueError) as refused:
        dues_month_save(
            branch=cast.branch,
            month=date(YEAR, 5, 1),
            amounts={newcomer: (Decimal(5), Decimal(5))},
            actor=cast.users["branch_secretary"],
        )
    assert str(refused.value) == ERROR_DUES_BEFORE_JOINING.format(
        name="新党员", joined=date(YEAR, 6, 15), month=date(YEAR, 5, 1)
    )
    assert not DuesPayment.objects.exists()


@pytest.mark.parametrize(
    "query", ["?month=abc", "?month=2026-13", "?month=1999-01", "?month=9999-01", "?year=abc", "?month="]
)
def test_a_bad_month_or_year_in_the_address_opens_the_default_page(cast, client_for, query):
    for page in ("dues", "year", "reserves", "recruits"):
        assert client_for(cast.users["branch_secretary"]).get(_url(page, cast.branch.pk, query)).status_code == 200


def test_the_dues_page_costs_the_same_queries_for_10_and_50_members(cast, client_for):
    client = client_for(cast.users["branch_secretary"])
    month = date(YEAR, 7, 1)

    def queries(members: int) -> int:
        Member.objects.filter(branch=cast.branch).exclude(pk=cast.member.pk).delete()
        rows = [MemberFactory(branch=cast.branch, joined_on=date(YEAR - 3, 1, 1)) for _ in range(members - 1)]
        dues_month_save(
            branch=cast.branch,
            month=date(YEAR, 6, 1),
            amounts={m: (Decimal(5), Decimal(5)) for m in rows[: members // 2]},
            actor=cast.users["branch_secretary"],
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url("dues", cast.branch.pk, f"?month={month:%Y-%m}")).status_code == 200
        DuesPayment.objects.all().delete()
        return len(captured)

    assert queries(10) == queries(50)


# ---------------------------------------------------------------- 年度情况


def test_the_year_page_fills_from_the_year_before_and_shows_the_quarters_disclosures(cast, client_for):
    secretary = cast.users["branch_secretary"]
    branch_year_save(
        branch=cast.branch, year=YEAR - 1, one_shoulder=OneShoulder.DONE, cadres=5, office_funds=41000, actor=secretary
    )
    organisational_life_record(
        branch=cast.branch,
        kind=LifeKind.PARTY_AFFAIRS_DISCLOSURE,
        held_on=date(YEAR, 2, 10),
        topic="一季度党务公开",
        attendees=[],
        actor=secretary,
    )
    client = client_for(secretary)
    page = client.get(_url("year", cast.branch.pk, f"?year={YEAR}")).content.decode()
    assert "已按上年填好，请核对" in page
    assert 'name="cadres" value="5"' in page and "标准：4.1万元" in page
    assert "✓ 2月10日" in page and "未公开" in page
    response = client.post(_url("year", cast.branch.pk, f"?year={YEAR}"), {"cadres": "6", "office_funds": "-1"})
    assert "不能为负数。" in response.content.decode() and not BranchYear.objects.filter(year=YEAR).exists()
    client.post(_url("year", cast.branch.pk, f"?year={YEAR}"), {"cadres": "6", "office_funds": "41000"})
    assert BranchYear.objects.get(branch=cast.branch, year=YEAR).cadres == 6


# ---------------------------------------------------------------- the back-log workbook


def _workbook(**sheets) -> SimpleUploadedFile:
    """The template with ``sheets`` (title → rows) filled in, as an upload."""
    workbook = load_workbook(BytesIO(registers_template()))
    for title, rows in sheets.items():
        for row in rows:
            workbook[title].append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("台账.xlsx", buffer.getvalue(), content_type=XLSX)


def _good_rows(cast):
    return {
        "发展党员": [
            ["王小梅", "女", 1995, date(YEAR, 1, 3), date(YEAR, 4, 1), date(YEAR, 8, 1), date(YEAR, 11, 2), None],
            ["陈刚", "男", 2000, date(YEAR, 2, 1), None, None, None, None],
        ],
        "后备干部": [["赵强", "男", 1990, "大专", "是", date(YEAR, 1, 5), None, "负责产业发展"]],
        "党费": [
            [f"{YEAR}-03", "张三", 1970, 12.5, 12.5],
            [date(YEAR, 4, 1), "张三", None, 12.5, 10],
        ],
        "年度情况": [[YEAR, "已实行“一肩挑”", "推进中", 5, 41000, 24000, 8500]],
    }


def _import(client, cast, upload):
    return client.post(_url("registers_import", cast.branch.pk), {"file": upload})


def _counts():
    return (
        Recruit.objects.count(),
        ReserveCadre.objects.count(),
        DuesPayment.objects.count(),
        BranchYear.objects.count(),
        Member.objects.count(),
    )


def test_a_good_workbook_imports_and_importing_it_again_changes_nothing(cast, client_for):
    client = client_for(cast.users["branch_secretary"])
    members_before = Member.objects.count()
    response = _import(client, cast, _workbook(**_good_rows(cast)))
    assert response.status_code == 302
    assert _counts() == (2, 1, 2, 1, members_before + 1)  # 王小梅 is on the roll as 预备党员
    assert Recruit.objects.get(name="王小梅").member.post == Post.PROBATIONARY
    april = DuesPayment.objects.get(month=date(YEAR, 4, 1))
    assert (april.due, april.paid, april.in_full) == (Decimal("12.50"), Decimal("10.00"), False)
    year = BranchYear.objects.get()
    assert (year.one_shoulder, year.three_chains, year.cadres, year.group_cadre_pay) == ("done", "under_way", 5, 8500)

    changes = AuditEntry.objects.exclude(action=AuditEntry.Action.ACCESS).count()
    response = _import(client, cast, _workbook(**_good_rows(cast)))
    assert response.status_code == 302
    follow = client.get(response.url).content.decode()
    assert "没有任何改动" in follow
    assert _counts() == (2, 1, 2, 1, members_before + 1)
    assert AuditEntry.objects.exclude(action=AuditEntry.Action.ACCESS).count() == changes


def test_a_later_step_in_the_file_advances_a_recruit_already_recorded(cast, client_for):
    _recruit(cast, applied_on=date(YEAR, 1, 3))
    rows = [["王小梅", "女", 1995, date(YEAR, 1, 3), date(YEAR, 4, 1), None, None, None]]
    assert _import(client_for(cast.users["branch_secretary"]), cast, _workbook(发展党员=rows)).status_code == 302
    assert Recruit.objects.get().activist_on == date(YEAR, 4, 1)


def test_a_workbook_with_one_bad_row_saves_nothing_and_names_sheet_row_and_column(cast, client_for):
    rows = _good_rows(cast)
    rows["党费"].append([f"{YEAR}-05", "张三", 1970, 12.5, -3])  # row 4 of 党费
    rows["发展党员"].append(["李四", "男", 1990, date(YEAR, 5, 1), date(YEAR, 4, 1), None, None, None])  # row 4
    before = _counts()
    response = _import(client_for(cast.users["branch_secretary"]), cast, _workbook(**rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "“党费”工作表第4行“实交”：应为不小于 0 的数。" in page
    assert _counts() == before


def test_a_service_refusal_in_a_row_rolls_back_the_rows_before_it(cast, client_for):
    rows = _good_rows(cast)
    newcomer = MemberFactory(branch=cast.branch, name="新党员", joined_on=date(YEAR, 6, 15))
    rows["党费"].append([f"{YEAR}-05", newcomer.name, newcomer.birth_year, 5, 5])  # before joining
    rows["发展党员"].append(["李四", "男", 1990, date(YEAR, 5, 1), date(YEAR, 4, 1), None, None, None])
    before = _counts()
    page = _import(client_for(cast.users["branch_secretary"]), cast, _workbook(**rows)).content.decode()
    assert (
        "“发展党员”工作表第4行“确定积极分子日期”：“入党积极分子”的日期"
        f"（{YEAR}-04-01）不能早于上一步“入党申请人”的日期（{YEAR}-05-01）。" in page
    )
    assert f"“党费”工作表第4行“月份”：新党员 {YEAR}年06月入党，不能登记 {YEAR}年05月 的党费。" in page
    assert _counts() == before


def test_the_template_has_the_four_sheets_headers_and_no_rows_to_import(cast, client_for):
    response = client_for(cast.users["county_reviewer"]).get(_url("registers_template", cast.branch.pk))
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == [*(title for title, _ in SHEETS), GUIDE_SHEET]
    for title, columns in SHEETS:
        sheet = workbook[title]
        assert [c.value for c in sheet[1]] == [header for header, _, _ in columns]
        assert sheet.max_row == 1
    # imported as it is, the template is refused as empty: nothing it holds becomes data
    page = _import(client_for(cast.users["branch_secretary"]), cast, _workbook()).content.decode()
    assert "文件中没有任何数据" in page and _counts()[:4] == (0, 0, 0, 0)


def test_amounts_posted_without_their_month_save_nothing(cast, client_for):
    data = {f"due_{cast.member.pk}": "5", f"paid_{cast.member.pk}": "5"}
    client = client_for(cast.users["branch_secretary"])
    for query in ("", "?month=abc", "?month=2999-01"):
        assert client.post(_url("dues", cast.branch.pk, query), data).status_code == 302
    assert not DuesPayment.objects.exists()


def test_a_formula_in_the_workbook_is_refused_before_anything_is_read(cast, client_for):
    rows = _good_rows(cast)
    rows["党费"][0][4] = "=D2*2"
    page = _import(client_for(cast.users["branch_secretary"]), cast, _workbook(**rows)).content.decode()
    assert "“党费”工作表第 2 行“实交”是公式" in page
    assert _counts()[:4] == (0, 0, 0, 0)


def test_the_recruits_and_reserves_pages_cost_the_same_for_5_and_50_people(cast, client_for):
    """Every person on the way in, at every stage, and every reserve, listed without a query each."""
    secretary = cast.users["branch_secretary"]
    client = client_for(secretary)

    def queries(n):
        Recruit.objects.bulk_create(
            Recruit(
                branch=cast.branch,
                name=f"申请人{n}-{i}",
                gender="F",
                birth_year=1990,
                applied_on=date(YEAR - 1, 1, 1),
                activist_on=date(YEAR - 1, 3, 1) if i % 2 else None,
                recorded_by=secretary,
            )
            for i in range(n)
        )
        ReserveCadre.objects.bulk_create(
            ReserveCadre(
                branch=cast.branch,
                name=f"后备{n}-{i}",
                gender="M",
                birth_year=1990,
                added_on=date(YEAR, 1, 1),
                recorded_by=secretary,
            )
            for i in range(n)
        )
        counts = []
        for page in ("recruits", "reserves"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(_url(page, cast.branch.pk)).status_code == 200
            counts.append(len(captured))
        Recruit.objects.all().delete()
        ReserveCadre.objects.all().delete()
        return counts

    assert queries(5) == queries(50)


def test_a_year_form_sent_without_the_year_it_showed_saves_nothing(cast, client_for):
    """The form posts to the year it showed; a post with no year or an impossible one (a page opened
    in December, sent in January, or tampered) is refused rather than written to this year."""
    client = client_for(cast.users["branch_secretary"])
    page = client.get(_url("year", cast.branch.pk, f"?year={YEAR}")).content.decode()
    assert f'action="?year={YEAR}"' in page
    for query in ("", "?year=99999", "?year=abc"):
        response = client.post(_url("year", cast.branch.pk, query), {"cadres": "6"})
        assert response.status_code == 200 and "未保存：没有看到页面所示的年度" in response.content.decode(), query
    assert not BranchYear.objects.exists()
