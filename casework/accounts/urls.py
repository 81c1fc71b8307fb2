from django.urls import path

from casework.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.SignInView.as_view(), name="sign-in"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("sign-in/council", oidc.StartView.as_view(), name="sso-start"),
    path("sign-in/council/callback", oidc.CallbackView.as_view(), name="sso-callback"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="password-reset-confirm"),
    path("invite/<uidb64>/<token>/", views.InviteAcceptView.as_view(), name="invite-accept"),
    path("account/", views.account, name="account"),
    path("account/password", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/sign-out-everywhere", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new", views.staff_create, name="staff-create"),
    path("staff/<int:staff_id>/", views.staff_detail, name="staff-detail"),
    path("staff/<int:staff_id>/edit", views.staff_edit, name="staff-edit"),
    path("staff/<int:staff_id>/invite", views.staff_invite, name="staff-invite"),
    path("staff/<int:staff_id>/unlock", views.staff_unlock, name="staff-unlock"),
    path("staff/<int:staff_id>/deactivate", views.staff_deactivate, name="staff-deactivate"),
    path("absences/<int:absence_id>/end", views.absence_end, name="absence-end"),
]
