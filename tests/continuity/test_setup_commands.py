"""Setting up a council from the command line: `continuity la-create` and `continuity admin-create`."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from casework.accounts.models import Role, User
from casework.audit.models import AuditEvent
from casework.core.models import LocalAuthority
from continuity import cli

pytestmark = pytest.mark.django_db(transaction=True)

RICHMOND = ["--ons", "E09000027", "--lea", "318", "--name", "London Borough of Richmond upon Thames"]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_la_create_sets_up_a_real_authority_and_audits_it():
    output = run("la_create", *RICHMOND)
    la = LocalAuthority.objects.get(ons_code="E09000027")
    assert (la.lea_code, la.name, la.is_demo) == ("318", "London Borough of Richmond upon Thames", False)
    assert "Set up London Borough of Richmond upon Thames" in output
    event = AuditEvent.objects.get(action="la.created")
    assert event.la_id == la.pk
    assert event.actor is None
    assert "command line, system account" in event.summary


def test_la_create_again_with_the_same_codes_changes_nothing():
    run("la_create", *RICHMOND)
    output = run("la_create", *RICHMOND)
    assert "Already set up" in output
    assert LocalAuthority.objects.count() == 1
    assert AuditEvent.objects.filter(action="la.created").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--ons", "E09000027", "--lea", "319", "--name", "London Borough of Richmond upon Thames"],
            "E09000027 is already used",
        ),
        (["--ons", "E09000027", "--lea", "318", "--name", "Richmond"], "E09000027 is already used"),
        (["--ons", "E09000028", "--lea", "318", "--name", "Southwark"], "LA number 318 is already used"),
    ],
)
def test_la_create_refuses_a_clash_with_an_existing_authority(args, message):
    run("la_create", *RICHMOND)
    with pytest.raises(CommandError, match=message):
        run("la_create", *args)
    assert LocalAuthority.objects.count() == 1


@pytest.mark.parametrize(
    ("ons", "lea", "message"),
    [("E05000027", "318", "ONS code must be E06, E07, E08, E09 or E10"), ("E09000027", "31", "3 digits")],
)
def test_la_create_refuses_codes_of_the_wrong_shape(ons, lea, message):
    with pytest.raises(CommandError, match=message):
        run("la_create", "--ons", ons, "--lea", lea, "--name", "Somewhere")
    assert not LocalAuthority.objects.exists()


def test_the_dashed_command_exits_non_zero_on_a_clash(capsys):
    cli.main(["la-create", *RICHMOND])
    with pytest.raises(SystemExit) as exit_:
        cli.main(["la-create", "--ons", "E09000028", "--lea", "318", "--name", "Southwark"])
    assert exit_.value.code != 0
    assert "LA number 318 is already used" in capsys.readouterr().err


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+(/invite/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_admin_create_adds_an_administrator_who_sets_their_password_from_the_emailed_link(client):
    run("la_create", *RICHMOND)
    output = run(
        "admin_create",
        "--la",
        "E09000027",
        "--email",
        "ada.lovelace@richmond.gov.uk",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
    )
    admin = User.objects.get(email="ada.lovelace@richmond.gov.uk")
    assert admin.role == Role.SYSTEM_ADMINISTRATOR
    assert admin.la.ons_code == "E09000027"
    assert not admin.has_usable_password()
    assert "e-mailed to ada.lovelace@richmond.gov.uk" in output
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada.lovelace@richmond.gov.uk"]
    assert "ada.lovelace@richmond.gov.uk" in mail.outbox[0].body  # the username
    assert AuditEvent.objects.filter(action="staff.created", target_id=admin.pk, actor=None).exists()

    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert "Set your password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    signed_in = client.post("/sign-in", {"username": admin.username, "password": "a-brand-new-passphrase"})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"


def test_admin_create_chooses_the_authority_in_a_deployment_of_several():
    run("la_create", *RICHMOND)
    run("la_create", "--ons", "E09000028", "--lea", "210", "--name", "London Borough of Southwark")
    run("admin_create", "--la", "210", "--email", "it@southwark.gov.uk")
    assert User.objects.get(email="it@southwark.gov.uk").la.name == "London Borough of Southwark"


def test_admin_create_again_sends_nothing_unless_asked_to_resend():
    run("la_create", *RICHMOND)
    run("admin_create", "--la", "318", "--email", "it@richmond.gov.uk")
    assert "already a system administrator" in run(
        "admin_create", "--la", "318", "--email", "it@richmond.gov.uk"
    )
    assert len(mail.outbox) == 1
    run("admin_create", "--la", "318", "--email", "it@richmond.gov.uk", "--resend")
    assert len(mail.outbox) == 2
    assert User.objects.filter(email="it@richmond.gov.uk").count() == 1


def test_admin_create_refuses_an_unknown_authority_or_someone_elses_address():
    with pytest.raises(CommandError, match="la-create first"):
        run("admin_create", "--la", "E09000099", "--email", "it@example.gov.uk")
    run("la_create", *RICHMOND)
    run("la_create", "--ons", "E09000028", "--lea", "210", "--name", "London Borough of Southwark")
    run("admin_create", "--la", "318", "--email", "it@richmond.gov.uk")
    with pytest.raises(CommandError, match="already has an account"):
        run("admin_create", "--la", "210", "--email", "it@richmond.gov.uk")
