"""Finding 8: 30,021 of 30,262 imported households had no audit entry: the import was
audited as one job, but nothing tied a household to it. Every household and person an
import writes now carries its import job, and the audit page lists them."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers.samples import synthetic_households, template_rows
from berdaya.registry.models import Household, ImportJob, Person
from berdaya.registry.xlsform import form_build


def test_every_imported_household_and_person_is_traceable_to_its_import(demo, upload, login):
    records = synthetic_households(6, village_code=GIRISEKAR, seed=8)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows(records, form_build()))
    before = set(Household.objects.values_list("pk", flat=True))
    job = upload(buffer.getvalue().encode(), "enam.csv")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    created = Household.objects.exclude(pk__in=before)
    assert created.count() == 6
    assert set(created.values_list("import_job_id", flat=True)) == {job.pk}
    persons = Person.objects.filter(household__in=created)
    assert persons.count() == sum(len(r.members) for r in records)
    assert set(persons.values_list("import_job_id", flat=True)) == {job.pk}

    page = login("admin").get(reverse("core:audit-log"), {"import": job.pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="import-rows"' in text
    for household in created:
        assert reverse("registry:household-detail", args=[household.pk]) in text
    # From the import's own entry in the trail, a link leads there.
    trail = login("admin").get(reverse("core:audit-log")).content.decode()
    assert f"?import={job.pk}" in trail


def test_only_administrators_of_the_organisation_list_an_imports_rows(demo, upload, login):
    records = synthetic_households(1, village_code=GIRISEKAR, seed=9)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows(records, form_build()))
    job = upload(buffer.getvalue().encode(), "satu.csv")
    response = login("pendamping.girisekar").get(reverse("core:audit-log"), {"import": job.pk})
    assert response.status_code == 404
