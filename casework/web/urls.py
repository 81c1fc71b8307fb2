from django.urls import path

from casework.web import views

app_name = "web"
urlpatterns = [
    path("", views.home_page, name="home"),
]
