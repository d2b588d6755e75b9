# Joins two branches of work made side by side: the worker heartbeat (reliability) and
# the personal-data access channel with append-only audit rows (the API). Neither
# depends on the other.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_worker_heartbeat"),
        ("core", "0004_audit_rows_append_only"),
    ]

    operations = []
