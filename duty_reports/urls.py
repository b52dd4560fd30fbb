from django.urls import path

from . import views

app_name = "duty_reports"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/advance/", views.round_advance, name="round_advance"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/upload/", views.report_upload, name="report_upload"),
    path("files/<int:pk>/", views.report_file, name="report_file"),
    path("reports/<int:pk>/votes/", views.votes_record, name="votes"),
    path("reports/<int:pk>/interview/", views.interview_record, name="interview"),
    path("interviews/", views.interviews_due, name="interviews_due"),
]
