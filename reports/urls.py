from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    # a 督查通报 takes its 文号 from inspections and is rendered here at once
    path("notices/rankings/<int:pk>/", views.notice_issue_view, name="notice_issue"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/new/", views.job_new, name="job_new"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
