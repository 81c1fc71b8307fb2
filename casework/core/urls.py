from django.urls import path

from casework.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("signed-in", views.signed_in, name="signed-in"),
    path("accessibility", views.accessibility, name="accessibility"),
]
