from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("inspected/<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/publish/", views.ranking_publish, name="ranking_publish"),
    path("flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/new/", views.ledger_new, name="ledger_new"),
    path("ledger/urge/", views.ledger_urge, name="ledger_urge"),
    path("ledger/<int:pk>/", views.ledger_item, name="ledger_item"),
]
