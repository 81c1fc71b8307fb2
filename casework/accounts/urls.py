from django.urls import path

from casework.accounts import oidc, two_factor_views, views

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
    path("sign-in/code", two_factor_views.two_factor_verify, name="two-factor"),
    path("sign-in/set-up", two_factor_views.two_factor_setup, name="two-factor-setup"),
    path("sign-in/recovery-codes", two_factor_views.recovery_codes_show, name="recovery-codes"),
    path("account/sign-in", two_factor_views.your_sign_in, name="your-sign-in"),
    path("account/sign-in/recovery-codes", two_factor_views.recovery_codes_new, name="recovery-codes-new"),
    path(
        "account/sign-in/passkeys/<int:passkey_id>/remove",
        two_factor_views.passkey_remove,
        name="passkey-remove",
    ),
    path(
        "staff/<int:staff_id>/second-factor/reset",
        two_factor_views.second_factor_reset,
        name="second-factor-reset",
    ),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new", views.staff_create, name="staff-create"),
    path("staff/<int:staff_id>/", views.staff_detail, name="staff-detail"),
    path("staff/<int:staff_id>/edit", views.staff_edit, name="staff-edit"),
    path("staff/<int:staff_id>/invite", views.staff_invite, name="staff-invite"),
    path("staff/<int:staff_id>/unlock", views.staff_unlock, name="staff-unlock"),
    path("staff/<int:staff_id>/deactivate", views.staff_deactivate, name="staff-deactivate"),
    path("absences/<int:absence_id>/end", views.absence_end, name="absence-end"),
    path("staff/<int:staff_id>/workforce", views.staff_workforce, name="staff-workforce"),
    path("staff/<int:staff_id>/checks/new", views.employment_check_new, name="check-new"),
    path("checks/<int:check_id>/remove", views.employment_check_remove, name="check-remove"),
    path("workforce/", views.workforce_board, name="workforce"),
    path("teams/new", views.team_create, name="team-create"),
    path("teams/<int:team_id>/edit", views.team_edit, name="team-edit"),
    path("teams/<int:team_id>/close", views.team_close, name="team-close"),
]
