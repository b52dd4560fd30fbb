from django.urls import path

from . import views

app_name = "records"

# under /branches/ beside the register: the records belong to a branch
urlpatterns = [
    path("<int:pk>/life/", views.life_records, name="life"),
    path("<int:pk>/deeds/", views.deeds, name="deeds"),
    path("deeds/<int:pk>/confirm/", views.deed_confirm, name="deed_confirm"),
    path("<int:pk>/problems/", views.problems, name="problems"),
    path("<int:pk>/pledges/", views.pledges, name="pledges"),
    path("pledges/<int:pk>/resolve/", views.pledge_resolve, name="pledge_resolve"),
    path("pledges/<int:pk>/comment/", views.pledge_comment, name="pledge_comment"),
    path("<int:pk>/appraisals/", views.appraisals, name="appraisals"),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("points/", views.points_scheme, name="points_scheme"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("photos/<int:pk>/display/", views.photo_file, {"variant": "display"}, name="photo_display"),
]
