import django_tables2 as tables

from .models import Branch

# Shown from 768 px only: on a phone the register keeps the name, the township and the member count.
SECONDARY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class BranchTable(tables.Table):
    name = tables.LinkColumn("home:branch", args=[tables.A("pk")], verbose_name="党支部名称")
    township = tables.Column(
        verbose_name="乡镇", order_by=("township__name", "name"), attrs={"td": {"class": "text-nowrap"}}
    )
    kind = tables.Column(attrs=SECONDARY)
    site_type = tables.Column(attrs=SECONDARY)
    village_groups = tables.Column(attrs=SECONDARY)
    households = tables.Column(attrs=SECONDARY)
    population = tables.Column(attrs=SECONDARY)
    member_count = tables.Column(verbose_name="党员数", attrs={"th": {"class": "text-nowrap"}})

    class Meta:
        model = Branch
        fields = ["name", "township", "kind", "site_type", "village_groups", "households", "population", "member_count"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "没有符合条件的党支部。"
        per_page = 25
