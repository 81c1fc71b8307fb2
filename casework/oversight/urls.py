from django.urls import path

from casework.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.cohort, name="cohort"),
    path("sitrep", views.sitrep, name="sitrep"),
    path("children/", views.children_list, name="children"),
    path("team/<int:team_id>/", views.team_oversight, name="team"),
    path("team/<int:team_id>/reallocate/<int:child_id>", views.reallocate, name="reallocate"),
    path("team/<int:team_id>/reallocate-all", views.reallocate_all, name="reallocate-all"),
    path("ratings/<int:rating_id>/decide", views.rating_decide, name="rating-decide"),
    path("departures/<int:departure_id>/decide", views.departure_decide, name="departure-decide"),
]
