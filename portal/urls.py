from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views

app_name = "portal"

portal_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/switch/", views.switch_membership, name="switch_membership"),
    path("audit/", views.audit_log, name="audit_log"),
    path("notifications/", views.notifications, name="notifications"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("cases/", include("cases.urls")),
    path("orders/", include("orders.urls")),
    path("referrals/", include("referrals.urls")),
    path("programme/", include("programme.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "portal.views.permission_denied"
