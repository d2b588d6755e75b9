"""Every view honours the access rule (see tests/isolation.py for how the walk works)."""

import datetime

import pytest
from django.test import override_settings

from berdaya.organisations.models import Organisation
from berdaya.organisations.services import organisation_create
from berdaya.programmes.services import programme_create
from berdaya.registry.models import Household, Person
from berdaya.registry.services import MemberInput, household_register

from .isolation import World, check_routes, public_page_problems, routes

VILLAGE_A = "34.03.06.2002"  # Girisekar: pendamping.girisekar's village
VILLAGE_B = "34.03.07.2003"  # Sidoharjo


@pytest.fixture
def world(demo):
    # Another organisation works only in village B, with its own programme and household.
    other = organisation_create(name="CSR PT Semen Nusantara", kind=Organisation.Kind.COMPANY)
    programme_b = programme_create(
        organisation=other,
        name="Program Air Bersih Sidoharjo",
        start_date=datetime.date(2025, 3, 1),
        planned_duration_months=36,
        village_codes=[VILLAGE_B],
    ).programme
    household_register(
        organisation=other,
        village=demo.villages[VILLAGE_B],
        members=[MemberInput(name="Sarjono", sex=Person.Sex.MALE, relation=Person.Relation.HEAD)],
    )
    household_a = Household.objects.filter(village_id=VILLAGE_A).first()
    # A household of the facilitator's own organisation, but in village B.
    household_b = Household.objects.filter(
        village_id=VILLAGE_B, organisation=demo.organisation
    ).first()
    community = {code: _community_records(demo, code) for code in (VILLAGE_A, VILLAGE_B)}
    return World(
        facilitator=demo.users["pendamping.girisekar"],
        objects_a={
            "village_code": VILLAGE_A,
            "programme_id": str(demo.programme.pk),
            "household_id": str(household_a.pk),
            **_registry_records(household_a),
            **community[VILLAGE_A],
            **_accompaniment_records(demo, VILLAGE_A),
            **_savings_records(demo, VILLAGE_A),
            **_learning_records(demo, VILLAGE_A),
            **_partnership_records(demo, demo.programme, VILLAGE_A),
            "import_id": _import_job(demo, VILLAGE_A),
            "token_id": _token(demo, "pendamping.girisekar"),
            "public_slug": demo.programme.public_page.slug,
            "report_id": _report(demo, demo.programme, "pendamping.girisekar"),
            **_intake_records(demo, VILLAGE_A),
        },
        objects_b={
            "village_code": VILLAGE_B,
            "programme_id": str(programme_b.pk),
            "household_id": str(household_b.pk),
            **_registry_records(household_b),
            **community[VILLAGE_B],
            **_accompaniment_records(demo, VILLAGE_B),
            **_savings_records(demo, VILLAGE_B),
            **_learning_records(demo, VILLAGE_B),
            **_partnership_records(demo, programme_b, VILLAGE_B),
            "import_id": _import_job(demo, VILLAGE_B),
            "token_id": _token(demo, "manajer"),
            "public_slug": "program-air-bersih-sidoharjo",  # never published
            # The demo organisation's own report of village B: the facilitator of A
            # works for the same organisation, and still gets 404.
            "report_id": _report(demo, demo.programme, "pendamping.sidoharjo"),
            **_intake_records(demo, VILLAGE_B),
        },
    )


def _registry_records(household) -> dict[str, str]:
    """A member and a consent of `household` (registry pages keyed by person and consent)."""
    return {
        "person_id": str(household.members.order_by("pk").first().pk),
        "consent_id": str(household.consents.order_by("pk").first().pk),
    }


def _community_records(demo, code: str) -> dict[str, str]:
    """An institution, an earlier programme and a capital item of the demo organisation."""
    from berdaya.community import services

    where = {
        "user": demo.users["manajer"],
        "organisation": demo.organisation,
        "village": demo.villages[code],
    }
    institution = services.institution_create(**where, kind="arisan", name="Arisan RT 01")
    programme = services.past_programme_create(
        **where, name="PNPM Mandiri", approach="credit", experience="mixed"
    )
    item = services.capital_item_create(
        **where,
        capital="natural",
        description="Telaga kering di musim kemarau",
        strength=2,
        recorded_on=datetime.date(2025, 2, 1),
    )
    return {
        "institution_id": str(institution.pk),
        "past_programme_id": str(programme.pk),
        "capital_item_id": str(item.pk),
    }


def _accompaniment_records(demo, code: str) -> dict[str, str]:
    """An activity (with a photo), a group, a plan and a cadre of the demo in `code`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from berdaya.facilitation.models import Activity
    from berdaya.facilitation.services import attachment_add
    from berdaya.groups.models import Group
    from berdaya.planning.models import PlanningCycle
    from berdaya.programmes.models import Cadre

    mine = {"organisation": demo.organisation}
    activity = Activity.objects.filter(**mine, village_id=code).order_by("pk").first()
    photo = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    attachment = attachment_add(activity=activity, upload=photo, user=None)
    return {
        "activity_id": str(activity.pk),
        "attachment_id": str(attachment.pk),
        "group_id": str(Group.objects.filter(**mine, village_id=code).first().pk),
        "cycle_id": str(PlanningCycle.objects.filter(**mine, village_id=code).first().pk),
        "cadre_id": str(
            Cadre.objects.filter(**mine, person__household__village_id=code).first().pk
        ),
    }


def _savings_records(demo, code: str) -> dict[str, str]:
    """A savings group's book, cycle, meeting, passbook, loan and posting in `code`."""
    from berdaya.groups.models import Group
    from berdaya.savings import services

    user = demo.users["manajer"]
    group = Group.objects.filter(organisation=demo.organisation, village_id=code).first()
    book = services.book_open(user=user, group=group)
    cycle = book.cycles.filter(status="open").first() or services.cycle_start(
        user=user,
        book=book,
        started_on=datetime.date(2026, 1, 5),
        rules=services.Rules(share_price=10_000),
    )
    meeting = cycle.meetings.filter(status="open").first() or services.meeting_open(
        user=user, cycle=cycle, held_on=datetime.date(2026, 11, 1)
    )
    member = group.members.filter(left_on__isnull=True).order_by("pk").first()
    deposit = services.shares_buy(
        user=user, meeting=meeting, member=member, shares=5, idempotency_key=f"walk-{code}"
    )
    loan = services.loan_disburse(
        user=user,
        cycle=cycle,
        member=member,
        principal=10_000,
        term_months=1,
        on=meeting.held_on,
        idempotency_key=f"walk-loan-{code}",
        meeting=meeting,
    )
    return {
        "book_id": str(book.pk),
        "meeting_id": str(meeting.pk),
        "membership_id": str(member.pk),
        "loan_id": str(loan.pk),
        "savings_cycle_id": str(cycle.pk),
        "transaction_id": str(deposit.pk),
    }


def _learning_records(demo, code: str) -> dict[str, str]:
    """A story (with a photo) and the village panel of the demo in `code`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from berdaya.learning.models import (
        EmpowermentAssessment,
        GraduationAssessment,
        Indicator,
        LearningReview,
        Panel,
        Story,
    )
    from berdaya.learning.services import story_attach

    story = Story.objects.filter(programme=demo.programme, village_id=code).order_by("pk").first()
    photo = SimpleUploadedFile("cerita.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    attachment = story_attach(story=story, upload=photo, user=None)
    panel = Panel.objects.filter(programme=demo.programme, village_id=code).order_by("pk").first()
    indicator = Indicator.objects.get(programme=demo.programme, village_id=code)
    empowerment = EmpowermentAssessment.objects.filter(programme=demo.programme, village_id=code)
    graduation = GraduationAssessment.objects.filter(village_id=code).order_by("pk").first()
    review = LearningReview.objects.filter(programme=demo.programme, village_id=code).first()
    return {
        "graduation_id": str(graduation.pk),
        "review_id": str(review.pk),
        "empowerment_id": str(empowerment.order_by("pk").first().pk),
        "indicator_id": str(indicator.pk),
        "story_id": str(story.pk),
        "story_attachment_id": str(attachment.pk),
        "panel_id": str(panel.pk),
    }


def _partnership_records(demo, programme, code: str) -> dict[str, str]:
    """An agreement (with its signed scan) and a commitment of `programme`, and an advocacy
    case of the demo programme in `code`. Village B's agreement is the other organisation's
    (agreements are programme-wide); its case is the demo organisation's in village B."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from berdaya.advocacy.services import case_open
    from berdaya.partnerships.models import Agreement, Commitment, Stakeholder
    from berdaya.partnerships.services import agreement_document_attach

    if programme == demo.programme:
        agreement = Agreement.objects.filter(programme=programme).order_by("pk").first()
        scan = SimpleUploadedFile("mou.pdf", b"%PDF-1.4\n" + b"0" * 64)
        agreement_document_attach(user=demo.users["manajer"], agreement=agreement, document=scan)
        commitment = agreement.commitments.order_by("pk").first()
    else:  # the other organisation has no user: its records are written directly
        party = Stakeholder.objects.create(
            organisation_id=programme.organisation_id,
            name="Dinas PUPR",
            sector="state",
            role="provider",
        )
        agreement = Agreement.objects.create(
            programme=programme,
            kind="pks",
            title="PKS Air Bersih",
            scope="Pipa",
            starts_on=datetime.date(2025, 3, 1),
            ends_on=datetime.date(2026, 3, 1),
            document=SimpleUploadedFile("pks.pdf", b"%PDF-1.4\n"),
        )
        agreement.parties.set([party])
        commitment = Commitment.objects.create(
            agreement=agreement, party=party, description="Pipa", due_on=datetime.date(2025, 6, 1)
        )
    case = case_open(
        user=demo.users["manajer"],
        programme=demo.programme,
        village_code=code,
        kind="service_failure",
        title="Puskesmas tutup",
        demand="Buka tiap hari",
        people_affected=12,
        opened_on=datetime.date(2025, 8, 1),
        target_name="Dinas Kesehatan",
    )
    return {
        "agreement_id": str(agreement.pk),
        "commitment_id": str(commitment.pk),
        "case_id": str(case.pk),
    }


def test_every_url_honours_the_access_rule(world):
    assert check_routes(world) == []


def test_the_public_page_shows_nothing_personal(world, demo):
    """The one public URL with an object: the demo's page answers anyone, and nothing on
    it is a person's name, a NIK or KK, or a home's location; an unpublished one is 404."""
    from django.test import Client
    from django.urls import reverse

    from berdaya.core.models import User

    anonymous = Client()
    url = reverse("transparency:public", kwargs={"public_slug": world.objects_a["public_slug"]})
    response = anonymous.get(url)
    assert response.status_code == 200
    hidden = reverse("transparency:public", kwargs={"public_slug": world.objects_b["public_slug"]})
    assert anonymous.get(hidden).status_code == 404
    # The organisation's name is public (and holds "Lestari", also a demo person's name).
    text = response.content.decode().replace(demo.organisation.name, "")
    people = Person.objects.all()
    households = Household.objects.all()
    problems = public_page_problems(
        text,
        names={p.name for p in people} | {u.full_name for u in User.objects.all()},
        identifiers=[p.nik for p in people] + [h.kk for h in households],
        coordinates=households.exclude(latitude=None).values_list("latitude", "longitude"),
    )
    assert problems == []


def test_the_walk_covers_the_apps_views():
    names = {route.name for route in routes()}
    assert {"registry:household-detail", "programmes:detail", "areas:village-detail"} <= names


@override_settings(ROOT_URLCONF="tests.leaky_urls")
def test_the_walk_catches_a_view_that_forgets_the_access_rule(world):
    problems = check_routes(world)
    assert any(p.startswith("leaky-household") and "expected 404" in p for p in problems)
    assert any(p.startswith("leaky-public") and "anonymous got 200" in p for p in problems)
    # Nothing else is reported: the walk points at the culprits only.
    assert all(p.startswith("leaky-") for p in problems), problems


def test_the_walk_refuses_an_unknown_url_keyword(world, settings):
    from django.urls import path

    import tests.leaky_urls as leaky

    extra = [path("panen/<int:harvest_id>/", leaky.leaky_public, name="unknown-kwarg")]
    module = type(leaky)("tests._unknown_kwarg_urls")
    module.urlpatterns = [*leaky.project_urlpatterns, *extra]
    import sys

    sys.modules[module.__name__] = module
    try:
        settings.ROOT_URLCONF = module.__name__
        problems = check_routes(world)
    finally:
        del sys.modules[module.__name__]
    assert any("unknown-kwarg" in p and "harvest_id" in p for p in problems)


def _import_job(demo, village_code: str) -> str:
    from berdaya.registry.models import ImportJob

    job = ImportJob.objects.create(
        organisation=demo.organisation,
        village_id=village_code,
        source=ImportJob.Source.TEMPLATE,
        filename="walk.csv",
        status=ImportJob.Status.FAILED,
        created_by=demo.users["manajer"],
    )
    job.villages.set([village_code])
    return str(job.pk)


def _token(demo, username: str) -> str:
    from berdaya.accounts.services import token_create

    made = token_create(user=demo.users[username], name="walk", scope="read", expires_in_days=7)
    return str(made.token.pk)


def _report(demo, programme, username: str) -> str:
    """A programme progress report made by `username` (covering only their village)."""
    from berdaya.reports.services import report_generate, report_request

    report = report_request(
        user=demo.users[username],
        programme=programme,
        kind="progress",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 3, 31),
    )
    report_generate(report_id=report.pk)  # the job (its on-commit call does not run here)
    return str(report.pk)


def _intake_records(demo, village_code: str) -> dict[str, str]:
    """A server connection of the demo programme in the village, and a pull of it (waiting:
    the walk never reaches a server)."""
    from berdaya.intake.services import connection_save, pull_request

    connection = connection_save(
        user=demo.users["manajer"],
        programme=demo.programme,
        name=f"Kobo {village_code}",
        kind="kobo",
        village_code=village_code,
        server_url="http://127.0.0.1:9",
        asset_uid="aWalk",
        secret="walk-token",
    )
    pull = pull_request(user=demo.users["manajer"], connection=connection, queue=False)
    return {"connection_id": str(connection.pk), "pull_id": str(pull.pk)}
