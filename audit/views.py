"""The audit administrator's page: the trail, filtered, and its export. Nobody
else may read it: every other account (the work roles, the other two
administrators) gets 404."""

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from audit.models import AuditEntry, AuditEvent
from audit.readable import action_words, object_type, readable_changes
from branches.scoping import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(label="人员", method="filter_person")
    unit = django_filters.CharFilter(label="单位", field_name="actor_unit", lookup_expr="icontains")
    target = django_filters.CharFilter(label="对象", field_name="object_repr", lookup_expr="icontains")
    event = django_filters.ChoiceFilter(label="类别", choices=AuditEvent.choices, empty_label="全部")
    since = django_filters.DateFilter(label="起始日期", field_name="timestamp", lookup_expr="date__gte", widget=DATE)
    until = django_filters.DateFilter(label="截止日期", field_name="timestamp", lookup_expr="date__lte", widget=DATE)

    class Meta:
        model = AuditEntry
        fields = []

    def filter_person(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(actor__username__icontains=value) | Q(actor__full_name__icontains=value) | Q(object_repr__icontains=value)
        )


def audit_entries(params):
    """The trail filtered by ``params`` (the page's query string, or an export's saved filters)."""
    base = AuditEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    return AuditFilter(params, queryset=base)


def require_audit_admin(user) -> None:
    if not (user.is_authenticated and user.role == Role.AUDIT_ADMIN):
        raise Http404("页面不存在。")


@login_required
def audit_trail(request):
    require_audit_admin(request.user)
    entries = audit_entries(request.GET)
    for field in entries.form.fields.values():
        field.widget.attrs["class"] = (
            "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
        )
    page = Paginator(entries.qs, 50).get_page(request.GET.get("page"))
    readable = readable_changes(page.object_list)
    for entry in page.object_list:
        entry.readable = readable.get(entry.pk, [])
        entry.type_words, entry.action_words = object_type(entry), action_words(entry)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {"filter": entries, "page": page, "query": query.urlencode(), "filters": {k: v for k, v in query.items() if v}},
    )
