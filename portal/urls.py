from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import session_views, views

app_name = "portal"

portal_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/switch/", views.switch_membership, name="switch_membership"),
    path("account/keep-alive/", session_views.keep_alive, name="keep_alive"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.<str:fmt>", views.audit_export, name="audit_export"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
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
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
