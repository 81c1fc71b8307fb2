from django.contrib.postgres.operations import BtreeGistExtension, CreateExtension, TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL extensions: trigram search, metaphone, and range exclusion constraints on equality."""

    initial = True
    dependencies: list = []
    operations = [TrigramExtension(), BtreeGistExtension(), CreateExtension("fuzzystrmatch")]
