from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from audit import views as audit_views
from awards import views as award_views
from campaigns import views as campaign_views
from home import views as home_views
from ops.health import healthz

admin.site.site_header = "党支部创建活动管理系统 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "数据维护"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("home.urls")),
    path("branches/", include("branches.urls")),
    path("branches/", include("records.urls")),
    path("scoring/", include("scoring.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("reports/", include("reports.urls")),
    path("inspections/", include("inspections.urls")),
    path("ratings/", include("ratings.urls")),
    path("targets/", include("targets.urls")),
    path("duty-reports/", include("duty_reports.urls")),
    path("awards/", include("awards.urls")),
    path("messages/", include("inbox.urls")),
    path("public/campaigns/<str:token>/", campaign_views.publicity_page, name="publicity"),
    path("public/awards/<str:token>/", award_views.publicity_page, name="award_publicity"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("audit/", audit_views.audit_trail, name="audit"),
    path("accounts/system/", account_views.system_accounts, name="accounts_system"),
    path("accounts/security/", account_views.security_accounts, name="accounts_security"),
    path("accounts/security/unlock/", account_views.security_unlock, name="accounts_unlock"),
]
handler400 = "home.views.bad_request"
