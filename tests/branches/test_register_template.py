"""The register template carries no real unit's data: its data sheets are empty, its example rows
are invented and sit on a “说明” sheet the import never reads. Importing the template as
downloaded changes nothing; with one real row added, only that row is imported."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import AnnualFigure, Branch, Member, Township
from tests.branches.test_register_import import _snapshot


def _downloaded(client):
    return load_workbook(BytesIO(client.get(reverse("branches:import_template")).content))


def _upload(workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("登记册模板.xlsx", buffer.getvalue())


def test_the_template_as_downloaded_changes_nothing(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    before = _snapshot()

    response = staff.post(reverse("branches:import"), {"file": _upload(_downloaded(staff))}, follow=True)

    assert "文件中没有任何党支部或党员数据" in response.content.decode()
    assert _snapshot() == before


def test_only_the_row_a_clerk_adds_is_imported(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    workbook = _downloaded(staff)
    workbook["党员"].append(["关兴镇", "新寨村党支部", "刘明", "男", 1980, "2004-07-01", "委员", "13712345678"])
    members_before = set(Member.objects.values_list("pk", flat=True))
    branches_before = sorted(Branch.objects.values_list("name", "households"))
    figures_before = AnnualFigure.objects.count()

    response = staff.post(reverse("branches:import"), {"file": _upload(workbook)}, follow=True)

    assert "新增党员 1 名" in response.content.decode()
    added = Member.objects.exclude(pk__in=members_before)
    assert list(added.values_list("branch__name", "name", "phone")) == [("新寨村党支部", "刘明", "13712345678")]
    assert sorted(Branch.objects.values_list("name", "households")) == branches_before
    assert AnnualFigure.objects.count() == figures_before
    assert not Member.objects.filter(phone="13800000000").exists()


def test_its_examples_name_no_unit_and_sit_outside_the_data_sheets(client_for, cast):
    workbook = _downloaded(client_for(cast.users["township_staff"]))

    assert [workbook["党支部"].max_row, workbook["党员"].max_row] == [1, 1]  # the headers only
    guide = " ".join(str(cell.value) for row in workbook["说明"].iter_rows() for cell in row if cell.value)
    assert "示例" in guide and "虚构" in guide
    for unit in [*Township.objects.values_list("name", flat=True), *Branch.objects.values_list("name", flat=True)]:
        assert unit not in guide
