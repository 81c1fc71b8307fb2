from django.urls import include, path

urlpatterns = [
    path("", include("casework.core.urls")),
    path("", include("casework.accounts.urls")),
    path("children/", include("casework.children.urls")),
    path("audit/", include("casework.audit.urls")),
]

handler404 = "casework.core.errors.not_found"
handler403 = "casework.core.errors.forbidden"
handler500 = "casework.core.errors.server_error"
