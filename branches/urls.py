from django.urls import path

from . import record_views, views

app_name = "branches"

urlpatterns = [
    path("", views.branch_list, name="list"),
    path("new/", views.branch_create, name="create"),
    path("import/", views.register_import_view, name="import"),
    path("import/template.xlsx", views.register_template_download, name="import_template"),
    path("export.xlsx", views.register_export_download, name="export"),
    path("<int:pk>/", views.branch_detail, name="detail"),
    path("<int:pk>/edit/", views.branch_edit, name="edit"),
    path("<int:pk>/figures/new/", views.figure_create, name="figure_create"),
    path("<int:pk>/members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/life/", record_views.life_records, name="life"),
    path("<int:pk>/deeds/", record_views.deeds, name="deeds"),
    path("deeds/<int:pk>/confirm/", record_views.deed_confirm, name="deed_confirm"),
    path("<int:pk>/problems/", record_views.problems, name="problems"),
    path("<int:pk>/pledges/", record_views.pledges, name="pledges"),
    path("pledges/<int:pk>/resolve/", record_views.pledge_resolve, name="pledge_resolve"),
    path("pledges/<int:pk>/comment/", record_views.pledge_comment, name="pledge_comment"),
    path("<int:pk>/appraisals/", record_views.appraisals, name="appraisals"),
    path("points/", record_views.points_scheme, name="points_scheme"),
    path("facts/", record_views.facts_grid, name="facts_grid"),
]
