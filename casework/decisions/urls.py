from django.urls import path

from casework.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.departure_log, name="log"),
    path("export.csv", views.departure_export, name="export"),
    path("new", views.departure_record, name="record"),
]
