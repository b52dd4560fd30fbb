"""Yearly figures are kept per year and never overwritten."""

from decimal import Decimal

from django.urls import reverse

from branches.models import AnnualFigure
from branches.services import annual_figure_record


def test_each_year_keeps_its_own_figure(cast):
    annual_figure_record(branch=cast.branch, year=2025, collective_income=Decimal("48000"), actor=None)
    annual_figure_record(branch=cast.branch, year=2026, collective_income=Decimal("61000"), actor=None)

    current = dict(AnnualFigure.objects.current().filter(branch=cast.branch).values_list("year", "collective_income"))
    assert current == {2025: Decimal("48000"), 2026: Decimal("61000")}


def test_a_correction_keeps_the_earlier_record_readable(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    url = reverse("branches:figure_create", args=[cast.branch.pk])
    staff.post(url, {"year": 2026, "collective_income": "50000", "note": ""})
    staff.post(url, {"year": 2026, "collective_income": "52000", "note": "会计核对后更正"})

    records = list(AnnualFigure.objects.filter(branch=cast.branch, year=2026).order_by("pk"))
    assert [r.collective_income for r in records] == [Decimal("50000"), Decimal("52000")]
    assert records[1].recorded_by == cast.users["township_staff"]
    assert AnnualFigure.objects.current().get(branch=cast.branch, year=2026).collective_income == Decimal("52000")
    page = staff.get(reverse("home:branch", args=[cast.branch.pk])).content.decode()
    assert "（已更正）" in page and "会计核对后更正" in page


def test_recording_the_same_value_again_adds_nothing(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    url = reverse("branches:figure_create", args=[cast.branch.pk])
    staff.post(url, {"year": 2026, "collective_income": "50000"})
    response = staff.post(url, {"year": 2026, "collective_income": "50000.00"}, follow=True)

    assert AnnualFigure.objects.filter(branch=cast.branch).count() == 1
    assert "该年度的数值与现有记录相同，未作改动。" in response.content.decode()


def test_a_negative_income_is_refused_in_chinese(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    response = staff.post(
        reverse("branches:figure_create", args=[cast.branch.pk]), {"year": 2026, "collective_income": "-1"}
    )
    assert response.status_code == 200
    assert "确保该值大于或等于0" in response.content.decode()
    assert not AnnualFigure.objects.exists()
