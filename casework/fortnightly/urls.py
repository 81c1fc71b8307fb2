from django.urls import path

from casework.fortnightly import views

app_name = "fortnightly"
urlpatterns = [
    path("", views.return_page, name="return"),
    path("return.csv", views.download_csv, name="csv"),
    path("return.xlsx", views.download_xlsx, name="xlsx"),
    path("across/", views.across, name="across"),
    path("<slug:key>/", views.records, name="records"),
]
