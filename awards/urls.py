from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.selection_list, name="list"),
    path("new/", views.selection_new, name="new"),
    path("<int:pk>/", views.selection_detail, name="detail"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/<str:step>/", views.selection_step, name="step"),
    path("<int:pk>/objections/new/", views.objection_new, name="objection_new"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
]
