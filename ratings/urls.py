from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("", views.index, name="index"),
    path("branches/<int:branch_id>/<int:year>/", views.branch_year, name="branch_year"),
    path("branches/<int:branch_id>/<int:year>/<slug:action>/", views.step, name="step"),
    path("members/<int:member_id>/", views.member, name="member"),
]
