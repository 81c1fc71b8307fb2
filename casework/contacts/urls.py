from django.urls import path

from casework.contacts import views

app_name = "contacts"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("children/<int:child_id>/contacts/", views.child_contacts, name="child-list"),
    path("children/<int:child_id>/contacts/new", views.contact_create, name="create"),
    path(
        "children/<int:child_id>/contacts/<int:contact_id>/protection",
        views.protection_recorded,
        name="protection",
    ),
    path(
        "contacts/<int:contact_id>/protection/acknowledge",
        views.protection_acknowledge,
        name="protection_acknowledge",
    ),
]
