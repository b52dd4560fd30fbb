from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("new/phases/", views.campaign_phase_proposal, name="phase_proposal"),
    path("stars/", views.stars, name="stars"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/phases/", views.phase_edit, name="phases"),
    path("<int:pk>/urge/", views.campaign_urge, name="urge"),
    path("<int:pk>/steps/<str:step>/", views.campaign_step, name="step"),
    path("participants/<int:pk>/", views.participant_detail, name="participant"),
    path("participants/<int:pk>/actions/<str:action>/", views.participant_action, name="action"),
    path("participants/<int:pk>/sheets/<str:stage>/", views.participant_open_sheet, name="open_sheet"),
    path("participants/<int:pk>/steps/<str:stage>/", views.participant_step, name="step_confirm"),
    path("participants/<int:pk>/extend/", views.participant_extend, name="extend"),
    path("participants/<int:pk>/ledger/", views.participant_to_ledger, name="to_ledger"),
    path("participants/<int:pk>/objections/", views.objection_new, name="objection_new"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
]
