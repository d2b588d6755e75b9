"""The demo's fifth P: what the issue's "done when" asks of it."""

from __future__ import annotations

from berdaya.learning.models import (
    EmpowermentAssessment,
    GraduationAssessment,
    GraduationPathway,
    Indicator,
    Panel,
    RothmanDiagnostic,
    Selection,
    Story,
)


def test_two_periods_of_stories_with_selections_at_two_levels(demo):
    stories = Story.objects.filter(programme=demo.programme)
    assert stories.values("period").distinct().count() == 2
    levels = set(
        Selection.objects.filter(panel__programme=demo.programme).values_list(
            "panel__level", flat=True
        )
    )
    assert levels == {Panel.Level.VILLAGE, Panel.Level.PROGRAMME}
    # Every story the programme panel chose was chosen in its village first, with reasons.
    for selection in Selection.objects.filter(panel__level="programme"):
        assert Selection.objects.filter(story=selection.story, panel__level="village").exists()
        assert selection.reasons
    assert stories.filter(feedback__audience="storyteller").exists()


def test_a_results_framework_with_computed_and_manual_indicators(demo):
    indicators = Indicator.objects.filter(programme=demo.programme)
    assert indicators.filter(source="computed", actuals__as_of__isnull=False).exists()
    assert indicators.filter(source="manual", actuals__isnull=False).exists()
    assert all(i.targets.exists() for i in indicators)


def test_assessments_in_two_years_graduation_and_a_rothman_diagnostic(demo):
    years = {
        a.assessed_on.year for a in EmpowermentAssessment.objects.filter(programme=demo.programme)
    }
    assert years == {2025, 2026}
    pathway = GraduationPathway.objects.get(programme=demo.programme, level="household")
    assert (
        GraduationAssessment.objects.filter(pathway=pathway, household__isnull=False).count() >= 10
    )
    assert RothmanDiagnostic.objects.get(programme=demo.programme).answers.count() == 12
