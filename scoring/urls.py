from django.urls import path

from . import facts_views, views

app_name = "scoring"

urlpatterns = [
    path("facts/", facts_views.facts_grid, name="facts_grid"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/import/", views.framework_import, name="framework_import"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/export.xlsx", views.framework_export, {"fmt": "xlsx"}, name="framework_export"),
    path("frameworks/<int:pk>/export.yaml", views.framework_export, {"fmt": "yaml"}, name="framework_export_yaml"),
    path("sheets/", views.sheet_list, name="sheet_list"),
    path("sheets/new/<int:branch_pk>/", views.sheet_create, name="sheet_create"),
    path("sheets/<int:pk>/", views.sheet_fill, name="sheet_fill"),
    path("sheets/<int:pk>/preview/", views.sheet_preview, name="sheet_preview"),
    path("sheets/<int:pk>/autosave/", views.sheet_autosave, name="sheet_autosave"),
    path("sheets/<int:pk>/print/", views.sheet_print, name="sheet_print"),
    path("sheets/<int:pk>/download.xlsx", views.sheet_download, name="sheet_download"),
    path("sheets/<int:pk>/upload/", views.sheet_upload, name="sheet_upload"),
    path("sheets/<int:pk>/upload/confirm/", views.sheet_upload_confirm, name="sheet_upload_confirm"),
    path("sheets/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/display/", views.evidence_file, {"variant": "display"}, name="evidence_display"),
]
