from django.urls import path

from casework.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new", views.referral_create, name="referral-create"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral"),
    path("children/<int:child_id>/incidents/new", views.incident_create, name="incident-create"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("children/<int:child_id>/meetings/new", views.meeting_create, name="meeting-create"),
    path(
        "children/<int:child_id>/information-sharing/",
        views.information_share_child_list,
        name="child-shares",
    ),
    path(
        "children/<int:child_id>/information-sharing/new",
        views.information_share_create,
        name="share-create",
    ),
    path("information-sharing/", views.information_share_list, name="shares"),
]
