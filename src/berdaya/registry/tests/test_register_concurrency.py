"""A phone that sends its queued household twice at once (a flaky connection, two tabs)
registers it once: the submission id is unique per organisation, and the losing request
returns the household the winner wrote."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.models import Household, Person, Submission
from berdaya.registry.services import MemberInput, household_register

# Concurrent writers need PostgreSQL: the `postgres` mark runs it in CI's PostgreSQL phase
# (the root conftest deselects it on SQLite, which serialises writers anyway).
pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_submission_sent_twice_at_once_registers_one_household(demo):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            results.append(
                household_register(
                    organisation=demo.organisation,
                    village=demo.villages[GIRISEKAR],
                    members=[MemberInput(name="Samirah Serentak", sex="P", relation="head")],
                    submission_uuid="0c6f1f8e-2d4b-4c55-9a77-3b0f5d1e9a10",
                )
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len({household.pk for household in results}) == 1
    assert Person.objects.filter(name="Samirah Serentak").count() == 1
    assert Submission.objects.filter(uuid="0c6f1f8e-2d4b-4c55-9a77-3b0f5d1e9a10").count() == 1
    assert Household.objects.filter(pk=results[0].pk).exists()
