"""The national social-protection schemes every organisation sees."""

from django.db import migrations

SCHEMES = [
    ("pkh", "PKH (Program Keluarga Harapan)"),
    ("pip", "PIP (Program Indonesia Pintar)"),
    ("kis_pbi", "KIS / JKN-PBI"),
    ("bpnt", "BPNT / Sembako"),
    ("blt_dd", "BLT Dana Desa"),
]


def add(apps, schema_editor):
    scheme = apps.get_model("registry", "SocialProtectionScheme")
    for code, name in SCHEMES:
        scheme.objects.get_or_create(code=code, organisation=None, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("registry", "SocialProtectionScheme").objects.filter(
        organisation=None, code__in=[code for code, _ in SCHEMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_consent_enrolment_householdsurvey_importjob_and_more")]

    operations = [migrations.RunPython(add, remove)]
