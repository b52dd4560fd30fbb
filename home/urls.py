from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    # the branch's page gathers from every app, so it lives on the top floor (its address stays under /branches/)
    path("branches/<int:pk>/", views.branch_page, name="branch"),
]
