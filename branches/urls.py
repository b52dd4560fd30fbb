from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "branches"

urlpatterns = [
    # the facts grid moved to /scoring/facts/ (it reads the score sheets' facts); old bookmarks follow it
    path(
        "facts/",
        login_required(RedirectView.as_view(pattern_name="scoring:facts_grid", query_string=True, permanent=True)),
        name="facts_grid_moved",
    ),
    path("", views.branch_list, name="list"),
    path("new/", views.branch_create, name="create"),
    path("import/", views.register_import_view, name="import"),
    path("import/template.xlsx", views.register_template_download, name="import_template"),
    path("export.xlsx", views.register_export_download, name="export"),
    path("<int:pk>/edit/", views.branch_edit, name="edit"),
    path("<int:pk>/figures/new/", views.figure_create, name="figure_create"),
    path("<int:pk>/members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
]
