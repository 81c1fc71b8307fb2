from django.urls import path

from casework.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("requests.csv", views.request_log_csv, name="requests-csv"),
]
