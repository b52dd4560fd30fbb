import django_filters
from django.db.models import Q

from .models import Branch, BranchKind, SiteType, Township


class BranchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称", method="filter_name")
    township = django_filters.ModelChoiceFilter(label="乡镇", queryset=Township.objects.none(), empty_label="全部乡镇")
    kind = django_filters.ChoiceFilter(label="类型", choices=BranchKind.choices, empty_label="全部类型")
    site_type = django_filters.ChoiceFilter(label="示范点类型", choices=SiteType.choices, empty_label="全部")

    class Meta:
        model = Branch
        fields = ["q", "township", "kind", "site_type"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["township"].queryset = Township.objects.visible_to(user)
        for name in ("township", "kind", "site_type"):
            self.form.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(division_code__startswith=value))
