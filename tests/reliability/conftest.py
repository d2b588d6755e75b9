"""Helpers of the reliability suite (issue 17: the nine findings of a probe as an attacker
and as a busy office). Each test module reproduces one finding."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.demo.community import GIRISEKAR

# A national identifier in the clear: 16 digits (spaces, dots or dashes allowed between).
CLEAR_IDENTIFIER = re.compile(r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){15}(?![0-9])")


def clear_identifiers(text: str) -> list[str]:
    return CLEAR_IDENTIFIER.findall(text or "")


@pytest.fixture
def upload(demo):
    """`upload(content, name, source=..., user=...)`: an import job, created and run (the
    test's transaction never commits, so the queued task is run here)."""
    from berdaya.registry.services import import_job_create, import_job_run

    def _upload(content: bytes, name: str, *, source="template", user="pendamping.girisekar"):
        job = import_job_create(
            user=demo.users[user],
            organisation=demo.organisation,
            village=demo.villages[GIRISEKAR],
            source=source,
            uploaded_file=SimpleUploadedFile(name, content),
        )
        return import_job_run(job.pk)

    return _upload
