# Joins two branches of work made side by side: the import trace (reliability) and the
# stored figures (the read path). Neither depends on the other.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_import_trace"),
        ("registry", "0005_stored_figures"),
    ]

    operations = []
