from django.urls import path

from casework.contacts import views

app_name = "contacts"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("children/<int:child_id>/contacts/new", views.contact_create, name="create"),
]
