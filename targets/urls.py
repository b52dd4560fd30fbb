from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.board_page, name="board"),
    path("plan/", views.plan_page, name="plan"),
]
