# Joins two branches of work made side by side: the worker heartbeat (reliability) and
# the personal-data access channel (the API). Neither depends on the other.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_personal_data_access_channel_and_object_ids"),
        ("core", "0003_worker_heartbeat"),
    ]

    operations = []
