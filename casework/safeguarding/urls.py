from django.urls import path

from casework.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("children/<int:child_id>/incidents/new", views.incident_create, name="incident-create"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("children/<int:child_id>/meetings/new", views.meeting_create, name="meeting-create"),
]
