from django.urls import path

from . import views
from .views import registers

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
    path("<int:pk>/recruits/", registers.recruits, name="recruits"),
    path("recruits/<int:pk>/advance/", registers.recruit_advance, name="recruit_advance"),
    path("<int:pk>/reserves/", registers.reserves, name="reserves"),
    path("reserves/<int:pk>/remove/", registers.reserve_remove, name="reserve_remove"),
    path("<int:pk>/dues/", registers.dues, name="dues"),
    path("<int:pk>/year/", registers.village_year, name="year"),
    path("<int:pk>/registers/import/", registers.registers_import_view, name="registers_import"),
    path("<int:pk>/registers/template/", registers.registers_template_download, name="registers_template"),
    path("points/", views.points_scheme, name="points_scheme"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("photos/<int:pk>/display/", views.photo_file, {"variant": "display"}, name="photo_display"),
]
