from django.urls import path

from casework.children import views

app_name = "children"
urlpatterns = [
    path("", views.child_search, name="search"),
    path("new", views.child_create, name="create"),
    path("<int:child_id>/", views.child_detail, name="detail"),
    path("<int:child_id>/edit", views.child_edit, name="edit"),
    path("<int:child_id>/history", views.child_history, name="history"),
    path("<int:child_id>/household", views.household_edit, name="household"),
    path("<int:child_id>/covid-status", views.covid_status_add, name="covid-status"),
    path("<int:child_id>/statuses/new", views.legal_status_add, name="status-add"),
    path("<int:child_id>/statuses/<int:status_id>/end", views.legal_status_end, name="status-end"),
    path("<int:child_id>/placements/new", views.placement_add, name="placement-add"),
    path("<int:child_id>/access", views.child_restriction, name="restriction"),
    path("restricted/", views.restricted_records, name="restricted"),
    path("<int:child_id>/named/", views.record_holders, name="holders"),
    path("<int:child_id>/named/<int:grant_id>/remove", views.record_holder_remove, name="holder-remove"),
    path("<int:child_id>/missed-school", views.missed_school, name="missed-school"),
]
