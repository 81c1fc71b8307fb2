from django.urls import path

from casework.policy import views

app_name = "policy"
urlpatterns = [
    path("emergency", views.emergency, name="emergency"),
    path("emergency/<int:declaration_id>/end", views.emergency_end, name="emergency-end"),
    path("rag-settings", views.rag_settings, name="rag-settings"),
]
