from django.urls import path

from casework.web import alert_views

app_name = "alerts"
urlpatterns = [
    path("", alert_views.alert_list, name="list"),
    path("<int:alert_id>/read", alert_views.alert_read, name="read"),
]
