"""Township staff ask for every campaign document in the browser, watch the
progress and download the files, produced by a real Celery worker process."""

import pytest

from campaigns.demo import title as demo_title
from campaigns.models import Campaign
from tests.browser.screens import shot
from tests.reports.test_jobs import _purge_queue, _start_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker]

DOCUMENTS = {
    "验收报告（PDF）": ("application/pdf", b"%PDF-"),
    "全部评分表（PDF）": ("application/pdf", b"%PDF-"),
    "评分矩阵（Excel）": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    "达标/未达标台账（Excel）": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    "进度表（Excel）": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
}


def test_staff_ask_for_each_document_and_download_it(login, demo_site):
    _purge_queue()
    worker = _start_worker("browser-docs")
    try:
        page = login("guanxing")
        campaign = Campaign.objects.get(title=demo_title())
        page.goto(f"{demo_site}/campaigns/{campaign.pk}/")
        page.check("#numbered")  # the report takes the township's next 文号
        for label in DOCUMENTS:
            page.get_by_role("button", name=label).click()
        jobs = page.get_by_test_id("document-jobs")
        jobs.locator("[data-testid=job-status]").nth(len(DOCUMENTS) - 1).wait_for()
        shot(page, "documents_in_progress", full_page=False)
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=document-jobs] [data-status=succeeded]').length === 5",
            timeout=120_000,
        )
        shot(page, "documents_ready")
        for status in jobs.locator("[data-testid=job-status]").all():
            title = status.inner_text()
            link = status.get_by_test_id("job-download").get_attribute("href")
            response = page.request.get(f"{demo_site}{link}")
            content_type, magic = DOCUMENTS[
                "验收报告（PDF）" if "PDF" in status.get_by_test_id("job-download").inner_text() else "进度表（Excel）"
            ]
            assert response.status == 200 and response.headers["content-type"] == content_type, title
            assert response.body().startswith(magic)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
