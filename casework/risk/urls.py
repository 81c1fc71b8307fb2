from django.urls import path

from casework.risk import views

app_name = "risk"
urlpatterns = [
    path("children/<int:child_id>/rating", views.rating_create, name="rate"),
    path("children/<int:child_id>/rating/propose", views.rating_propose, name="propose"),
    path("children/<int:child_id>/rating/assess", views.rating_assess, name="assess"),
]
