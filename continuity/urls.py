from django.urls import include, path

urlpatterns = [
    path("", include("casework.core.urls")),
    path("", include("casework.web.urls")),
    path("", include("casework.accounts.urls")),
    path("children/", include("casework.children.urls")),
    path("audit/", include("casework.audit.urls")),
    path("", include("casework.contacts.urls")),
    path("", include("casework.risk.urls")),
    path("alerts/", include("casework.web.alert_urls")),
    path("oversight/", include("casework.oversight.urls")),
    path("", include("casework.oversight.team_urls")),
    path("fortnightly/", include("casework.fortnightly.urls")),
    path("returns/", include("casework.returns.urls")),
    path("decisions/", include("casework.decisions.urls")),
    path("policy/", include("casework.policy.urls")),
    path("", include("casework.safeguarding.urls")),
    # Passkeys' JSON endpoints (django-otp-webauthn): used by its script on the sign-in pages.
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
]

handler404 = "casework.core.errors.not_found"
handler403 = "casework.core.errors.forbidden"
handler500 = "casework.core.errors.server_error"
