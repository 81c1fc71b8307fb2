from django.urls import path

from casework.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.SignInView.as_view(), name="sign-in"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("sign-in/council", oidc.StartView.as_view(), name="sso-start"),
    path("sign-in/council/callback", oidc.CallbackView.as_view(), name="sso-callback"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new", views.staff_create, name="staff-create"),
    path("staff/<int:staff_id>/", views.staff_detail, name="staff-detail"),
    path("staff/<int:staff_id>/edit", views.staff_edit, name="staff-edit"),
    path("absences/<int:absence_id>/end", views.absence_end, name="absence-end"),
]
