"""A KoboToolbox export made with "Labels" headers is refused with the option to choose.

Kobo's Downloads page offers "Value and header format": XML values and headers, Labels, or
a language's labels. With labels the headers are the questions' texts, and Berdaya cannot
tell which answer is which without guessing; the refusal names the exact option.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers.samples import kobo_xlsx, synthetic_households
from berdaya.registry.models import Household, ImportJob
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.xlsform import form_build

pytestmark = pytest.mark.usefixtures("english")


def _with_label_headers(data: bytes, language: int) -> bytes:
    form = form_build()
    label_of = {q.name: q.label[language] for q in form.questions()}
    book = load_workbook(io.BytesIO(data))
    main = book.worksheets[0]
    for cell in main[1]:
        group, _sep, name = str(cell.value).rpartition("/")
        if name in label_of:
            cell.value = f"{group}/{label_of[name]}" if group else label_of[name]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("language", [0, 1], ids=["Indonesian labels", "English labels"])
def test_a_labels_export_is_refused_with_the_option_to_choose(demo, language):
    households = synthetic_households(4, village_code=GIRISEKAR, seed=9)
    data = _with_label_headers(kobo_xlsx(households, form_build()), language)
    before = Household.objects.count()
    job = import_job_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=ImportJob.Source.KOBO,
        uploaded_file=SimpleUploadedFile("labels.xlsx", data),
    )
    job = import_job_run(job.pk)
    assert job.status == ImportJob.Status.FAILED
    (problem,) = job.errors
    assert "XML values and headers" in problem["reason"]
    assert Household.objects.count() == before
