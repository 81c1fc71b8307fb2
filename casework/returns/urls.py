from django.urls import path

from casework.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.returns_home, name="home"),
    path("import", views.import_start, name="import"),
    path("imports/<int:run_id>/", views.run_detail, name="run"),
    path("imports/<int:run_id>/rerun", views.run_rerun, name="rerun"),
    path("imports/<int:run_id>/report.csv", views.run_issues_csv, name="run-csv"),
    path("export", views.export_download, name="export"),
]
