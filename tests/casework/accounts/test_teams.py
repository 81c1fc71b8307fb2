"""Team administration: set up, rename, choose a manager, close a team nobody is left in; managed teams
on the staff record; nobody raises their own role or makes themselves a manager."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.accounts import services
from casework.accounts.models import Role, Team, User
from casework.audit.models import AuditEvent
from casework.children.models import Child
from tests.conftest import TODAY, make_user

pytestmark = pytest.mark.django_db


def test_an_administrator_sets_up_a_team_with_its_manager_audited(world):
    team = services.team_create(
        actor=world.users["admin"],
        name="  Leaving   care team ",
        service_area=Team.ServiceArea.LEAVING_CARE,
        manager=world.users["tm"],
        reason="New team for the emergency",
    )
    assert (team.name, team.manager, team.la) == ("Leaving care team", world.users["tm"], world.la)
    event = AuditEvent.objects.get(action="team.created")
    assert event.actor == world.users["admin"]
    assert event.summary == f"Set up Leaving care team (Leaving care), managed by {world.users['tm']}"
    assert team.pgh_event_model.objects.filter(pgh_obj_id=team.pk).count() == 1


@pytest.mark.parametrize("who", ["sw", "tm", "bs", "analyst"])
def test_only_administrators_and_heads_of_service_change_teams(world, who):
    with pytest.raises(PermissionDenied):
        services.team_create(actor=world.users[who], name="X team", service_area="early_help")
    with pytest.raises(PermissionDenied):
        services.team_update(actor=world.users[who], team=world.teams["north"], seen_version=None, name="Y")
    with pytest.raises(PermissionDenied):
        services.team_close(actor=world.users[who], team=world.teams["south"], reason="Gone", today=TODAY)
    assert not AuditEvent.objects.filter(action__startswith="team.").exists()


def test_another_authoritys_team_cannot_be_changed(world, other_world):
    with pytest.raises(PermissionDenied):
        services.team_update(
            actor=world.users["admin"], team=other_world.teams["north"], seen_version=None, name="Ours now"
        )
    assert Team.objects.get(pk=other_world.teams["north"].pk).name == "North CIN team"


def test_a_team_name_is_unique_in_the_authority_only(world, other_world):
    with pytest.raises(ValidationError) as err:
        services.team_create(actor=world.users["admin"], name="north cin TEAM", service_area="early_help")
    assert err.value.message_dict == {
        "name": ["There is already a team called North CIN team: choose another name"]
    }
    services.team_create(
        actor=other_world.users["hos"], name="Leaving care team", service_area="leaving_care"
    )
    services.team_create(actor=world.users["hos"], name="Leaving care team", service_area="leaving_care")


def test_a_manager_must_be_an_active_manager_and_not_the_person_acting(world):
    admin, hos = world.users["admin"], world.users["hos"]
    with pytest.raises(ValidationError) as err:
        services.team_update(
            actor=admin, team=world.teams["south"], seen_version=None, manager=world.users["sw"]
        )
    assert (
        "a team's manager must be a team manager or a head of service" in err.value.message_dict["manager"][0]
    )
    with pytest.raises(ValidationError) as err:
        services.team_update(actor=hos, team=world.teams["south"], seen_version=None, manager=hos)
    assert err.value.message_dict["manager"] == [
        "You cannot make yourself a team's manager: ask another administrator"
    ]
    gone = make_user(world.la, "901.gone", Role.TEAM_MANAGER, is_active=False)
    with pytest.raises(ValidationError):
        services.team_update(actor=admin, team=world.teams["south"], seen_version=None, manager=gone)
    assert Team.objects.get(pk=world.teams["south"].pk).manager is None


def test_renaming_and_changing_the_manager_is_stale_edit_safe_and_audited(world):
    south = world.teams["south"]
    seen = services.team_version(south)
    services.team_update(
        actor=world.users["admin"],
        team=south,
        seen_version=seen,
        name="South and West CIN team",
        manager=world.users["tm"],
        reason="Merged",
    )
    south.refresh_from_db()
    assert (south.name, south.manager) == ("South and West CIN team", world.users["tm"])
    event = AuditEvent.objects.get(action="team.updated")
    assert event.changes == {
        "name": ["South CIN team", "South and West CIN team"],
        "manager": [None, str(world.users["tm"])],
    }
    with pytest.raises(ValidationError) as err:
        services.team_update(actor=world.users["hos"], team=south, seen_version=seen, name="Stale")
    assert err.value.code == "stale"
    assert Team.objects.get(pk=south.pk).name == "South and West CIN team"


def test_a_team_with_members_or_children_cannot_be_closed(world):
    north = world.teams["north"]
    with pytest.raises(ValidationError) as err:
        services.team_close(actor=world.users["admin"], team=north, reason="Merged", today=TODAY)
    assert err.value.messages == [
        "North CIN team still has 4 members of staff and 2 children: move them to another team first, "
        "then close it"
    ]
    assert Team.objects.get(pk=north.pk).closed_on is None
    with pytest.raises(ValidationError) as err:
        services.team_close(actor=world.users["admin"], team=north, reason=" ", today=TODAY)
    assert "reason" in err.value.message_dict


def test_a_closed_team_keeps_its_history_and_leaves_the_pickers(client, world):
    south = world.teams["south"]
    south.manager = world.users["tm"]
    south.save()
    User.objects.filter(team=south).update(team=world.teams["north"])
    with pytest.raises(ValidationError) as err:
        services.team_close(actor=world.users["admin"], team=south, reason="Merged", today=TODAY)
    assert err.value.messages == [
        "South CIN team still has 1 child: move it to another team first, then close it"
    ]
    Child.objects.filter(team=south).update(team=world.teams["north"], allocated_worker=None)
    services.team_close(actor=world.users["admin"], team=south, reason="Merged into North", today=TODAY)
    south.refresh_from_db()
    assert (south.closed_on, south.manager) == (TODAY, None)
    assert AuditEvent.objects.get(action="team.closed").summary == (
        f"Closed South CIN team (managed by {world.users['tm']}) on 20 November 2026"
    )
    with pytest.raises(ValidationError):
        services.team_update(actor=world.users["admin"], team=south, seen_version=None, name="Reopened")
    with pytest.raises(ValidationError) as err:
        services.staff_update(actor=world.users["admin"], staff=world.users["sw2"], team=south)
    assert err.value.message_dict == {"team": ["South CIN team is closed: choose an open team"]}
    client.force_login(world.users["admin"])
    edit = client.get(f"/staff/{world.users['sw2'].pk}/edit").content.decode()
    assert f'value="{south.pk}"' not in edit
    assert f'value="{world.teams["north"].pk}"' in edit
    page = client.get(f"/teams/{south.pk}/").content.decode()
    assert "This team was closed on 20 November 2026" in page
    assert "South CIN team" in client.get("/teams/").content.decode()
    client.force_login(world.users["bs"])
    child_form = client.get(f"/children/{world.children['jon'].pk}/edit").content.decode()
    assert f'value="{south.pk}"' not in child_form
    assert f'value="{world.teams["north"].pk}"' in child_form


def test_the_teams_a_manager_manages_are_set_on_their_staff_record(world):
    tm, south = world.users["tm"], world.teams["south"]
    services.staff_update(
        actor=world.users["admin"], staff=tm, managed_teams=[world.teams["north"], south], reason="Covering"
    )
    assert set(Team.objects.filter(manager=tm)) == {world.teams["north"], south}
    event = AuditEvent.objects.get(action="staff.updated")
    assert event.changes == {"managed_teams": [["North CIN team"], ["North CIN team", "South CIN team"]]}
    services.staff_update(actor=world.users["admin"], staff=tm, managed_teams=[south])
    assert list(Team.objects.filter(manager=tm)) == [south]


def test_only_a_manager_role_manages_a_team_and_a_role_change_leaves_no_team_stranded(world):
    with pytest.raises(ValidationError) as err:
        services.staff_update(
            actor=world.users["admin"], staff=world.users["sw"], managed_teams=[world.teams["south"]]
        )
    assert (
        "only a team manager or a head of service manages a team"
        in err.value.message_dict["managed_teams"][0]
    )
    with pytest.raises(ValidationError) as err:
        services.staff_update(actor=world.users["admin"], staff=world.users["tm"], role=Role.SOCIAL_WORKER)
    assert "role" in err.value.message_dict
    assert User.objects.get(pk=world.users["tm"].pk).role == Role.TEAM_MANAGER
    services.staff_update(
        actor=world.users["admin"], staff=world.users["tm"], role=Role.SOCIAL_WORKER, managed_teams=[]
    )
    assert not Team.objects.filter(manager=world.users["tm"]).exists()


def test_nobody_changes_the_teams_they_manage_themselves(world):
    hos = world.users["hos"]
    with pytest.raises(ValidationError) as err:
        services.staff_update(actor=hos, staff=hos, managed_teams=[world.teams["south"]])
    assert err.value.message_dict == {
        "managed_teams": ["Ask another administrator to change the teams you manage"]
    }


def test_nobody_raises_their_own_role_from_the_page(client, world):
    hos = world.users["hos"]
    client.force_login(hos)
    form = client.get(f"/staff/{hos.pk}/edit").content.decode()
    version = form.split('name="version" value="', 1)[1].split('"', 1)[0]
    page = client.post(
        f"/staff/{hos.pk}/edit",
        {
            "first_name": hos.first_name,
            "last_name": hos.last_name,
            "role": Role.SYSTEM_ADMINISTRATOR,
            "caseload_capacity": 0,
            "is_active": "on",
            "version": version,
        },
    )
    assert page.status_code == 200
    assert "Ask another administrator to change your own role" in page.content.decode()
    assert User.objects.get(pk=hos.pk).role == Role.HEAD_OF_SERVICE
    with pytest.raises(PermissionDenied):  # a team manager keeps no staff records at all
        services.staff_update(actor=world.users["tm"], staff=world.users["tm"], role=Role.HEAD_OF_SERVICE)


def test_the_team_pages_for_an_administrator(client, world):
    client.force_login(world.users["admin"])
    listing = client.get("/teams/").content.decode()
    assert "Set up a team" in listing
    assert "North CIN team" in listing
    response = client.post(
        "/teams/new",
        {"name": "Front door team", "service_area": "front_door", "manager": world.users["tm"].pk},
    )
    team = Team.objects.get(name="Front door team")
    assert response.status_code == 302
    assert response["Location"] == f"/teams/{team.pk}/"
    assert "Change name or manager" in client.get(f"/teams/{team.pk}/").content.decode()
    edit = client.get(f"/teams/{team.pk}/edit").content.decode()
    version = edit.split('name="version" value="', 1)[1].split('"', 1)[0]
    client.post(
        f"/teams/{team.pk}/edit",
        {"name": "MASH", "service_area": "front_door", "manager": "", "version": version},
    )
    team.refresh_from_db()
    assert (team.name, team.manager) == ("MASH", None)
    refused = client.post(f"/teams/{world.teams['north'].pk}/close", {"reason": "Merged"}).content.decode()
    assert "still has 4 members of staff and 2 children" in refused
    client.post(f"/teams/{team.pk}/close", {"reason": "Not needed"})
    assert Team.objects.get(pk=team.pk).closed_on is not None
    client.force_login(world.users["sw"])
    assert client.get("/teams/new").status_code == 403
    assert client.get(f"/teams/{team.pk}/edit").status_code == 403
