"""Inspection pages: scoping and constant query counts."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.dates import today
from inspections.models import LedgerItem, LedgerStatus
from inspections.services import ledger_item_create
from tests.factories import BranchFactory
from tests.inspections.test_inspections import _round, branches, checklist  # noqa: F401  (fixtures)


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_ranking_page_queries_do_not_grow_with_branches(client_for, cast, checklist, branches):  # noqa: F811
    _round(cast, checklist, branches)
    client = client_for(cast.users["township_staff"])
    url = f"{reverse('inspections:ranking')}?township={cast.township.pk}&year=2026&quarter=1"
    few, response = _count(client, url)
    assert len(response.context["rows"]) == 6
    _round(cast, checklist, [BranchFactory(township=cast.township) for _ in range(20)])
    many, response = _count(client, url)
    assert len(response.context["rows"]) == 26 and many == few
    html = response.content.decode()
    assert html.count("后3位</span>") == 3


def test_ledger_page_queries_do_not_grow_and_overdue_shows(client_for, cast):
    staff = cast.users["township_staff"]
    client = client_for(staff)

    def add(n, days):
        for _ in range(n):
            item = ledger_item_create(
                branch=BranchFactory(township=cast.township),
                problem="记录不全",
                task="补齐记录",
                responsible="书记",
                deadline=today(),
                actor=staff,
            )
            # set while it lay ahead: a deadline in the past is refused as it is set
            LedgerItem.objects.filter(pk=item.pk).update(deadline=today() + timedelta(days=days))

    add(3, -2)
    few, response = _count(client, reverse("inspections:ledger"))
    add(30, 5)
    many, response = _count(client, reverse("inspections:ledger"))
    assert many == few
    assert sum(row["overdue"] for row in response.context["per_branch"]) == 3
    assert LedgerItem.objects.filter(status=LedgerStatus.OPEN).count() == 33


def test_ledger_and_rounds_are_scoped(client_for, cast, checklist, branches):  # noqa: F811
    _round(cast, checklist, branches)
    staff = cast.users["township_staff"]
    item = ledger_item_create(
        branch=cast.branch, problem="缺记录", task="补记录", responsible="书记", deadline=today(), actor=staff
    )
    url = reverse("inspections:ledger_item", args=[item.pk])
    assert client_for(cast.users["branch_secretary"]).get(url).status_code == 200
    for role in ("other_branch_secretary", "other_township_staff", "other_county_reviewer"):
        assert client_for(cast.users[role]).get(url).status_code == 404
    other = client_for(cast.users["other_township_staff"])
    assert other.get(reverse("inspections:rounds")).context["rounds"].count() == 0
    secretary = client_for(cast.users["branch_secretary"])
    assert secretary.get(reverse("inspections:round_new")).status_code == 403
    response = secretary.post(url, {"action": "close", "text": ""}, follow=True)
    assert "您不能销号" in response.content.decode()


def test_the_ledger_exports_in_the_three_list_layout(client_for, cast):
    import io
    from unittest import mock

    from openpyxl import load_workbook

    from reports.models import Job
    from reports.services import job_execute

    staff = cast.users["township_staff"]
    overdue = ledger_item_create(
        branch=cast.branch, problem="=2+2 记录缺失", task="补记录", responsible="徐书记", deadline=today(), actor=staff
    )
    LedgerItem.objects.filter(pk=overdue.pk).update(deadline=today() - timedelta(days=1))  # a day has gone by
    ledger_item_create(
        branch=cast.neighbour_branch,
        problem="别的乡镇",
        task="x",
        responsible="y",
        deadline=today(),
        actor=cast.users["county_reviewer"],
    )
    with mock.patch("reports.services._enqueue"):
        client_for(staff).post(reverse("reports:job_new"), {"kind": "ledger_items_xlsx"})
    job = Job.objects.get()
    assert job.params == {"ledger": 1, "township": cast.township.pk}
    job_execute(job.pk)
    job.refresh_from_db()
    sheet = load_workbook(io.BytesIO(job.file.read()))["问题台账"]
    headers = [cell.value for cell in sheet[2]]
    assert headers[:3] == ["问题清单·序号", "问题清单·乡镇", "问题清单·党支部"]
    assert "任务清单·整改任务" in headers and "责任清单·整改时限" in headers
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1 and rows[0][3] == "=2+2 记录缺失" and rows[0][10] == "逾期 1 天"
    assert sheet["D3"].data_type == "s" and sheet["D3"].quotePrefix  # text as typed, never a formula
    assert sheet.freeze_panes == "A3"
    assert (
        client_for(cast.users["other_township_staff"]).get(reverse("reports:job_download", args=[job.pk])).status_code
        == 404
    )


def test_a_finding_takes_a_photo_checked_like_evidence(client_for, cast, checklist, branches):  # noqa: F811
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from inspections.models import Finding, InspectedBranch, RoundKind

    inspection_round = _round(cast, checklist, branches, kind=RoundKind.UNANNOUNCED, close=False)
    inspected = InspectedBranch.objects.get(inspection_round=inspection_round, branch=cast.branch)
    staff = client_for(cast.users["township_staff"])
    url = reverse("inspections:finding_new", args=[inspected.pk])
    page = staff.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    fake = SimpleUploadedFile("现场.jpg", b"<html>not a photo</html>")
    refused = staff.post(
        url, {"description": "活动室未挂牌", "category": "premises", "severity": "minor", "photo": fake}
    )
    assert "只能上传 JPEG、PNG 照片；“现场.jpg”的内容不是照片。" in refused.content.decode()
    assert not Finding.objects.exists()
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 90, 90)).save(buffer, "JPEG")
    staff.post(
        url,
        {
            "description": "活动室未挂牌",
            "category": "premises",
            "severity": "minor",
            "photo": SimpleUploadedFile("现场.jpg", buffer.getvalue()),
        },
    )
    photo = Finding.objects.get().photos.get()
    photo_url = reverse("scoring:evidence_file", args=[photo.pk])
    assert staff.get(photo_url).status_code == 200
    # the round is unannounced and still open: the branch's secretary cannot see the photo yet
    assert client_for(cast.users["branch_secretary"]).get(photo_url).status_code == 404
