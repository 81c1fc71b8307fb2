from django.urls import path

from casework.oversight import team_views

app_name = "teams"
urlpatterns = [
    path("teams/", team_views.team_list, name="list"),
    path("teams/<int:team_id>/", team_views.team_detail, name="detail"),
]
