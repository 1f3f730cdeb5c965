from django.urls import path

from accounts import audit_views, security_admin_views, security_views

urlpatterns = [
    path("account/otp/setup/", security_views.otp_setup, name="otp_setup"),
    path("account/otp/", security_views.otp_verify, name="otp_verify"),
    path(
        "account/password/",
        security_views.ForcedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("security/users/", security_admin_views.user_list, name="security_users"),
    path("security/users/<int:pk>/", security_admin_views.user_roles, name="security_user_roles"),
    path(
        "security/users/<int:pk>/reset-otp/",
        security_admin_views.user_reset_otp,
        name="security_user_reset_otp",
    ),
]
