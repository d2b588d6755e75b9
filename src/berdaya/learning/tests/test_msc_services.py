"""Most Significant Change: stories need consent, panels need reasons, levels nest."""

from __future__ import annotations

import datetime

import pytest

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.learning import services
from berdaya.learning.models import Panel, Selection, Story, StoryFeedback
from berdaya.learning.selectors import msc as selectors
from berdaya.registry.models import Person

from .conftest import GIRISEKAR, SIDOHARJO

D = datetime.date


def _teller(demo, code=GIRISEKAR, sex="P"):
    return (
        Person.objects.filter(
            organisation=demo.organisation,
            household__village_id=code,
            sex=sex,
            birth_date__lte=D(2000, 1, 1),
        )
        .order_by("pk")
        .first()
    )


def _story(demo, periods, user, **overrides):
    programme = demo.programme
    domain = services.domains_current(programme=programme).domains.get(key="voice")
    arguments = {
        "user": user,
        "programme": programme,
        "village_code": GIRISEKAR,
        "period": periods[2],
        "domain": domain,
        "title": "Ibu-ibu ikut memutuskan dana desa",
        "what_happened": "Di musrenbangdes tiga ibu dari KWT mengusulkan PAH dan diterima.",
        "why_significant": "Dulu perempuan tidak diundang; sekarang kami ikut menentukan.",
        "source": "interview",
        "collected_on": D(2026, 9, 15),
        "consent": "named",
        "storyteller": _teller(demo),
    }
    arguments.update(overrides)
    return services.story_record(**arguments)


def test_the_default_domains_follow_the_seeds_and_end_with_an_open_one(demo):
    domains = list(services.domains_current(programme=demo.programme).domains.all())
    assert [d.key for d in domains] == ["lives", "voice", "institutions", "self_reliance", "other"]
    assert domains[1].label == "Perubahan dalam partisipasi dan suara warga"  # stored in Indonesian


def test_a_story_without_consent_is_refused_and_nothing_is_written(demo, periods, facilitator):
    before = Story.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _story(demo, periods, facilitator, consent="")
    assert refused.value.field == "consent"
    assert "boleh dibagikan" in refused.value.message
    assert Story.objects.count() == before


def test_an_anonymous_story_keeps_no_name(demo, periods, facilitator):
    with pytest.raises(ValidationFailed) as refused:
        _story(
            demo,
            periods,
            facilitator,
            consent="anonymous",
            storyteller=None,
            storyteller_name="Sumarni",
        )
    assert refused.value.field == "storyteller_name"
    story = _story(demo, periods, facilitator, consent="anonymous")
    assert story.teller_label == "Anonim"
    assert story.storyteller_name == ""


def test_a_story_is_collected_within_its_period(demo, periods, facilitator):
    with pytest.raises(ValidationFailed) as refused:
        _story(demo, periods, facilitator, collected_on=D(2026, 6, 1))
    assert refused.value.field == "collected_on"
    assert "di luar periode" in refused.value.message


def test_a_facilitator_cannot_record_a_story_in_another_village(demo, periods, facilitator):
    with pytest.raises(PermissionDenied):
        _story(demo, periods, facilitator, village_code=SIDOHARJO, storyteller=None)


def test_a_storyteller_from_another_village_is_refused(demo, periods, facilitator):
    with pytest.raises(ValidationFailed) as refused:
        _story(demo, periods, facilitator, storyteller=_teller(demo, SIDOHARJO))
    assert refused.value.field == "storyteller"


def test_a_period_outside_the_programme_is_refused(demo, manager):
    with pytest.raises(ValidationFailed) as refused:
        services.period_create(
            programme=demo.programme,
            label="2030",
            starts_on=D(2029, 1, 1),
            ends_on=D(2030, 1, 1),
            user=manager,
        )
    assert "dalam masa program" in refused.value.message


def test_overlapping_periods_are_refused(demo, manager):
    with pytest.raises(ValidationFailed) as refused:
        services.period_create(
            programme=demo.programme,
            label="Triwulan",
            starts_on=D(2026, 5, 1),
            ends_on=D(2026, 7, 31),
            user=manager,
        )
    assert "tumpang tindih" in refused.value.message


def _village_panel(demo, periods, user, method="votes"):
    return services.panel_hold(
        user=user,
        programme=demo.programme,
        period=periods[2],
        level="village",
        village_code=GIRISEKAR,
        met_on=D(2026, 10, 1),
        method=method,
        members=[("Bu Sumarni", "ketua KWT"), ("Pak Tukiran", "dukuh")],
    )


def test_a_selection_without_reasons_is_refused(demo, periods, facilitator):
    story = _story(demo, periods, facilitator)
    panel = _village_panel(demo, periods, facilitator, method="consensus")
    with pytest.raises(ValidationFailed) as refused:
        services.selection_record(panel=panel, domain=story.domain, story=story, reasons="  bagus ")
    assert refused.value.field == "reasons"
    assert "alasan" in refused.value.message
    assert not Selection.objects.filter(panel=panel).exists()


def test_the_chosen_story_must_win_the_last_round_of_votes(demo, periods, facilitator):
    first = _story(demo, periods, facilitator)
    second = _story(demo, periods, facilitator, title="Posyandu sore")
    panel = _village_panel(demo, periods, facilitator)
    reasons = "Perempuan ikut memutuskan untuk pertama kali di desa ini."
    tie = [{str(first.pk): 3, str(second.pk): 1}, {str(first.pk): 2, str(second.pk): 2}]
    with pytest.raises(ValidationFailed) as refused:
        services.selection_record(
            panel=panel, domain=first.domain, story=first, reasons=reasons, tally=tie
        )
    assert "putaran lagi" in refused.value.message  # a tie needs another round
    rounds = [*tie, {str(first.pk): 3, str(second.pk): 1}]
    selection = services.selection_record(
        panel=panel,
        domain=first.domain,
        story=first,
        reasons=reasons,
        tally=rounds,
        dissent="Pak Tukiran memilih cerita posyandu.",
    )
    assert selection.tally[-1] == {str(first.pk): 3, str(second.pk): 1}


def test_levels_nest_village_then_programme_and_withheld_stories_stay_in_the_village(
    demo, periods, facilitator, manager
):
    shared = _story(demo, periods, facilitator)
    withheld = _story(demo, periods, facilitator, title="Rahasia", consent="withheld")
    village = _village_panel(demo, periods, facilitator, method="consensus")
    programme_panel = services.panel_hold(
        user=manager,
        programme=demo.programme,
        period=periods[2],
        level="programme",
        met_on=D(2026, 11, 1),
        method="consensus",
        members=[("Siti Rahayu", "manajer")],
    )
    reasons = "Perubahan yang dimulai oleh warga sendiri dan bertahan."
    # Not yet chosen in the village: the programme panel cannot take it.
    with pytest.raises(ValidationFailed):
        services.selection_record(
            panel=programme_panel, domain=shared.domain, story=shared, reasons=reasons
        )
    services.selection_record(
        panel=village, domain=withheld.domain, story=withheld, reasons=reasons
    )
    # Chosen in the village, but its teller did not agree to share it beyond the village.
    with pytest.raises(ValidationFailed):
        services.selection_record(
            panel=programme_panel, domain=withheld.domain, story=withheld, reasons=reasons
        )
    assert list(services.msc.candidates_for(programme_panel).filter(pk=withheld.pk)) == []


def test_only_managers_hold_programme_panels(demo, periods, facilitator):
    with pytest.raises(PermissionDenied):
        services.panel_hold(
            user=facilitator,
            programme=demo.programme,
            period=periods[2],
            level="programme",
            met_on=D(2026, 11, 1),
            method="consensus",
            members=[("Agus", "")],
        )


def test_a_panel_needs_its_members(demo, periods, facilitator):
    with pytest.raises(ValidationFailed) as refused:
        services.panel_hold(
            user=facilitator,
            programme=demo.programme,
            period=periods[2],
            level="village",
            village_code=GIRISEKAR,
            met_on=D(2026, 10, 1),
            method="votes",
            members=[(" ", "")],
        )
    assert refused.value.field == "members"
    assert not Panel.objects.filter(period=periods[2]).exists()


def test_feedback_comes_after_the_story(demo, periods, facilitator):
    story = _story(demo, periods, facilitator)
    with pytest.raises(ValidationFailed):
        services.feedback_record(
            story=story,
            told_on=D(2026, 9, 1),
            audience="storyteller",
            what="Dipilih.",
            user=facilitator,
        )
    services.feedback_record(
        story=story,
        told_on=D(2026, 10, 5),
        audience="storyteller",
        what="Dipilih panel desa.",
        user=facilitator,
    )
    assert StoryFeedback.objects.filter(story=story).count() == 1


def test_domains_are_revised_with_a_reason_and_the_old_version_kept(demo, manager, facilitator):
    programme = demo.programme
    old = services.domains_current(programme=programme)
    rows = [services.DomainInput(d.label, d.description) for d in old.domains.all()][:4]
    rows.append(services.DomainInput("Perubahan dalam hubungan dengan pemerintah desa"))
    with pytest.raises(PermissionDenied):
        services.domains_revise(
            programme=programme, domains=rows, reason="Usul panel", user=facilitator
        )
    with pytest.raises(ValidationFailed) as refused:
        services.domains_revise(programme=programme, domains=rows, reason="", user=manager)
    assert refused.value.field == "reason"
    new = services.domains_revise(
        programme=programme, domains=rows, reason="Panel program minta domain baru.", user=manager
    )
    assert services.domains_current(programme=programme) == new
    assert [d.key for d in new.domains.all()][:4] == [d.key for d in old.domains.all()][:4]
    assert old.domains.count() == 5  # kept, with its stories
    assert old.domains.get(key="lives").stories.exists()


def test_meta_monitoring_of_the_demo(demo, manager):
    rows = selectors.meta_monitoring(user=manager, programme=demo.programme)
    first, second = rows[0], rows[1]
    assert first.stories == second.stories == 12  # six per village
    assert first.fed_back >= 1
    assert first.median_days_to_feedback is not None
    assert rows[2].stories == 0 and rows[2].fed_back_share is None


def test_meta_monitoring_counts_days_to_the_first_feedback_to_the_storyteller(
    demo, periods, facilitator, manager
):
    a = _story(demo, periods, facilitator, collected_on=D(2026, 9, 1))
    b = _story(demo, periods, facilitator, collected_on=D(2026, 9, 10))
    _story(demo, periods, facilitator, collected_on=D(2026, 9, 11))
    for story, told in ((a, D(2026, 9, 11)), (a, D(2026, 10, 1)), (b, D(2026, 10, 10))):
        services.feedback_record(
            story=story, told_on=told, audience="storyteller", what="Dipilih.", user=facilitator
        )
    services.feedback_record(
        story=a, told_on=D(2026, 9, 5), audience="community", what="Dibacakan.", user=facilitator
    )
    row = selectors.meta_monitoring(user=manager, programme=demo.programme)[2]
    assert (row.stories, row.fed_back) == (3, 2)
    assert row.fed_back_share == __import__("fractions").Fraction(2, 3)
    assert row.median_days_to_feedback == 20  # 10 days (a) and 30 days (b)
    assert row.longest_days_to_feedback == 30


def test_viewers_read_only_shared_stories_without_names(demo, periods, facilitator):
    viewer = demo.users["pemantau"]
    withheld = _story(demo, periods, facilitator, title="Tidak untuk dibagikan", consent="withheld")
    named = _story(demo, periods, facilitator, title="Boleh dibagikan")
    assert not selectors.stories_visible_to(viewer).exists()  # no personal rows
    shared = {s.pk: s for s in selectors.shared_stories(user=viewer, programme=demo.programme)}
    assert named.pk in shared and withheld.pk not in shared
    assert not hasattr(shared[named.pk], "storyteller")


def test_secondary_analysis_counts_tellers_by_sex_and_recurring_themes(demo, manager):
    stories = selectors.countable_stories(user=manager, programme=demo.programme)
    analysis = selectors.story_analysis(stories)
    assert analysis.total == 24
    assert sum(analysis.by_sex.values()) == 24
    assert sum(analysis.by_poverty.values()) == 24
    assert dict(analysis.recurring_themes)["gotong royong"] == 8
