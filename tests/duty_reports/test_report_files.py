"""Files with a 述职报告 go through the same checks as every upload: wrong types with right names,
damaged files and 50 MB files are refused in Chinese and leave no row and no file."""

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from duty_reports import services
from duty_reports.models import ReportFile
from tests.security.test_hostile_files import PNG

MB = 1024 * 1024


@pytest.fixture
def report(cast):
    duty_round = services.round_open(township=cast.township, year=2026, actor=cast.users["township_staff"])
    return duty_round.reports.get(branch=cast.branch)


def _stored(root):
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("述职报告.pdf", b"MZ\x90\x00\x03 this is a Windows program", "内容不是这几种格式"),
        ("签字页.png", b"%PDF-1.7 without an end", "已损坏"),
        ("扫描件.pdf", PNG[:40], "已损坏"),
    ],
)
def test_wrong_types_with_right_names_are_refused_and_leave_nothing(
    name, data, message, report, cast, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(services.DutyError, match=message):
        services.report_file_store(
            report=report, upload=SimpleUploadedFile(name, data), actor=cast.users["branch_secretary"]
        )
    assert not ReportFile.objects.exists() and _stored(tmp_path) == []


def test_a_50_mb_file_is_refused_by_its_size(report, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    big = tmp_path / "big.pdf"
    with big.open("wb") as out:
        out.truncate(50 * MB)
    with big.open("rb") as stream, pytest.raises(services.DutyError, match="超过单个文件 15 MB"):
        services.report_file_store(
            report=report, upload=File(stream, name="big.pdf"), actor=cast.users["branch_secretary"]
        )
    assert not ReportFile.objects.exists() and _stored(tmp_path / "media") == []


def test_a_sixth_file_is_refused(report, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    secretary = cast.users["branch_secretary"]
    for n in range(5):
        services.report_file_store(report=report, upload=SimpleUploadedFile(f"{n}.png", PNG), actor=secretary)
    with pytest.raises(services.DutyError, match="每份述职报告最多附 5 个文件。"):
        services.report_file_store(report=report, upload=SimpleUploadedFile("6.png", PNG), actor=secretary)
    assert ReportFile.objects.count() == 5 and len(_stored(tmp_path)) == 5
