import django_tables2 as tables

from .models import Branch


class BranchTable(tables.Table):
    name = tables.LinkColumn("home:branch", args=[tables.A("pk")], verbose_name="党支部名称")
    township = tables.Column(verbose_name="乡镇", order_by=("township__name", "name"))
    member_count = tables.Column(verbose_name="党员数")

    class Meta:
        model = Branch
        fields = ["name", "township", "kind", "site_type", "village_groups", "households", "population", "member_count"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "没有符合条件的党支部。"
        per_page = 25
