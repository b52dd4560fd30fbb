"""Who sees which board: scoped only by the one rule; outsiders and bad parameters get 404, never
an error; the workbook of the board reads back with the page's figures."""

import io
from unittest import mock

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import JobStatus
from reports.services import job_execute, job_request

from .conftest import YEAR


def _board(client, **params):
    return client.get(reverse("targets:board"), {"year": YEAR, **params})


def test_township_staff_see_their_township_and_no_other(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    assert _board(staff).context["unit"].township == cast.township
    assert _board(staff, township=cast.township.pk).status_code == 200
    assert _board(staff, township=cast.neighbour_township.pk).status_code == 404
    assert _board(staff, township=cast.far_branch.township_id).status_code == 404


@pytest.mark.parametrize("township", ["abc", "1.5", "９", "-1", "99999999999999"])
def test_a_bad_township_is_a_404_never_an_error(client_for, cast, township):
    assert _board(client_for(cast.users["county_reviewer"]), township=township).status_code == 404


@pytest.mark.parametrize("year", ["abc", "1900", "20255", ""])
def test_a_bad_year_shows_this_year(client_for, cast, year):
    from common.dates import today

    response = client_for(cast.users["township_staff"]).get(reverse("targets:board"), {"year": year})
    assert response.status_code == 200 and response.context["year"] == today().year


def test_another_countys_reviewer_gets_404_for_our_township(client_for, cast):
    far = client_for(cast.users["other_county_reviewer"])
    assert _board(far, township=cast.township.pk).status_code == 404
    body = _board(far).content.decode()
    assert "关兴镇" not in body and "法泥村" not in body


def test_a_secretary_sees_only_their_own_branch_against_each_target(client_for, cast, township_year):
    secretary = client_for(cast.users["branch_secretary"])
    response = _board(secretary)
    assert response.context["unit"].level == "branch"
    body = response.content.decode()
    assert "法泥村" in body and "新寨村" not in body and "坡脚村" not in body
    # asking for the township changes nothing: the secretary does not see it whole
    assert _board(secretary, township=cast.township.pk).context["unit"].level == "branch"
    # and no workbook of a board
    with mock.patch("reports.services._enqueue"):
        assert (
            secretary.post(reverse("reports:job_new"), {"kind": "target_board_xlsx", "year": YEAR}).status_code == 403
        )


def test_administrators_and_anonymous_see_no_board(client, client_for, cast):
    from django.contrib.auth import get_user_model

    from branches.scoping import Role
    from tests.factories import UserFactory

    assert client.get(reverse("targets:board")).status_code == 302
    admin = UserFactory(role=Role.SYSTEM_ADMIN, county=cast.county)
    assert get_user_model().objects.filter(pk=admin.pk).exists()
    assert client_for(admin).get(reverse("targets:board")).status_code == 404


def _produce(user, **params):
    with mock.patch("reports.services._enqueue"):  # run in this process
        job, _how = job_request(user=user, kind="target_board_xlsx", params=params)
    job_execute(job.pk, worker="test")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def test_staff_cannot_ask_for_another_townships_workbook(client_for, cast):
    with mock.patch("reports.services._enqueue"):
        response = client_for(cast.users["township_staff"]).post(
            reverse("reports:job_new"),
            {"kind": "target_board_xlsx", "year": YEAR, "township": cast.neighbour_township.pk},
        )
    assert response.status_code == 404


def test_the_workbook_of_the_township(client_for, cast, township_year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = cast.users["township_staff"]
    job = _produce(staff, year=YEAR)
    assert job.params == {"township": cast.township.pk, "year": YEAR}
    download = client_for(staff).get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content) if download.streaming else download.content))
    summary = book["目标任务"]
    assert summary["A1"].value.startswith(f"关兴镇·{YEAR}年目标任务看板")
    rows = list(summary.iter_rows(min_row=3, values_only=True))
    stable = next(r for r in rows if r[2] == "有稳定的集体经济收入的行政村")
    assert stable[4] == 75.0 and stable[5] == "3/4" and stable[8] == "≥ 90%" and stable[9] == "未达标"
    income = next(r for r in rows if r[2] == "集体经济收入5万元以上的村")
    assert income[4] == 75.0 and income[8] == "> 45%" and income[9] == "达标"
    assert summary.print_title_rows == "$2:$2"
    assert summary.page_setup.orientation == "landscape" and summary.page_setup.paperSize == 9
    assert summary.sheet_properties.pageSetUpPr.fitToPage and summary.page_setup.fitToWidth == 1
    missing = list(book["未达标支部"].iter_rows(min_row=3, values_only=True))
    assert ("有稳定的集体经济收入的行政村", "关兴镇", "高坡村党支部", "未填报") == missing[0][:4]
    assert any(r[2] == "新寨村党支部" and r[3] == 1.67 for r in missing)  # 后备干部 5 ÷ 3


def test_the_county_workbook_has_the_total_then_each_township(cast, township_year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = _produce(cast.users["county_reviewer"], year=YEAR)
    assert job.params == {"county": cast.county.pk, "year": YEAR}
    rows = list(load_workbook(io.BytesIO(job.file.read()))["目标任务"].iter_rows(min_row=3, values_only=True))
    income = [r for r in rows if r[2] == "集体经济收入5万元以上的村"]
    assert [(r[1], r[4], r[5]) for r in income] == [
        ("全县", 60.0, "3/5"),
        ("关兴镇", 75.0, "3/4"),
        ("煤山镇", 0.0, "0/1"),
    ]


def test_text_in_the_workbook_cannot_run_as_a_formula(cast, township_year, settings, tmp_path):
    from targets.models import Target
    from targets.services import target_plan_ensure

    settings.MEDIA_ROOT = tmp_path
    target_plan_ensure(county=cast.county, year=YEAR)
    Target.objects.filter(plan__county=cast.county, fact="three_chains").update(name='=HYPERLINK("http://x")')
    job = _produce(cast.users["township_staff"], year=YEAR)
    cells = [r[2] for r in load_workbook(io.BytesIO(job.file.read()))["目标任务"].iter_rows(min_row=3)]
    hostile = [cell for cell in cells if cell.value == '=HYPERLINK("http://x")']
    assert hostile and all(cell.data_type == "s" and cell.quotePrefix for cell in hostile)
