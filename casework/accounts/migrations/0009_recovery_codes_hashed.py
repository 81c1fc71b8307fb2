"""Recovery codes already stored in the clear (8 base32 characters) are replaced by their keyed hash
(casework.accounts.recovery), so none is left readable in the database. Not reversible: the codes are
not kept."""

from django.db import migrations

PLAIN_LENGTH = 8  # django-otp's StaticToken.random_token(): 5 random bytes in base32


def hash_plain_codes(apps, schema_editor):
    from casework.accounts.recovery import digest

    StaticToken = apps.get_model("otp_static", "StaticToken")
    plain = list(StaticToken.objects.filter(token__regex=rf"^[a-z2-7]{{{PLAIN_LENGTH}}}$"))
    for token in plain:
        token.token = digest(token.token)
    StaticToken.objects.bulk_update(plain, ["token"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_workforce_db_defaults"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
