"""Writes of Most Significant Change (Davies & Dart 2005, the ten steps).

Domains (step 2) and periods (step 3) are set per programme; stories (step 4) are told
in a village; panels (step 5) select one story per domain at each level, village →
programme → funder, a level choosing only among the stories the level below chose, with
the reasons written down; feedback (step 6), verification (step 7) and quantification
(step 8) are recorded per story; secondary analysis and meta-monitoring (step 9) are
reads (`learning.selectors.msc`); revising the system (step 10) is `domains_revise`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berdaya.core.errors import ValidationFailed
from berdaya.programmes.models import Programme
from berdaya.programmes.vocabulary import Stage, Strategy
from berdaya.registry.models import Person

from ..models import (
    ChangeDomain,
    Consent,
    DomainSet,
    Panel,
    PanelMember,
    ReportingPeriod,
    Selection,
    Story,
    StoryAttachment,
    StoryFeedback,
    StoryVerification,
)
from ._common import (
    check_manager,
    check_village,
    in_site_language,
    key_for,
    required_text,
    sniff_media,
    within_programme,
)

# The default domains of change. Davies & Dart suggest three or four broad domains and one
# open one; these follow the seeds: poor people as the actors of change (seed 000),
# participation and voice (seed 001), strengthened institutions (Pelembagaan, seed 000),
# self-reliance rather than dependency (seed 000) and "any other change".
DEFAULT_DOMAINS = (
    (
        "lives",
        gettext_lazy("Changes in people's lives"),
        gettext_lazy("Livelihood, health, schooling, housing, food: what is different at home."),
    ),
    (
        "voice",
        gettext_lazy("Changes in participation and voice"),
        gettext_lazy("Who takes part, speaks and decides, in the family, group and village."),
    ),
    (
        "institutions",
        gettext_lazy("Changes in the community's institutions"),
        gettext_lazy("Groups, arisan, gotong royong, lumbung: what works better or anew."),
    ),
    (
        "self_reliance",
        gettext_lazy("Changes in self-reliance"),
        gettext_lazy("Doing it ourselves, with our own money and leaders, without outsiders."),
    ),
    (
        "other",
        gettext_lazy("Any other change"),
        gettext_lazy("A change that fits no other domain, good or bad."),
    ),
)
MIN_DOMAINS, MAX_DOMAINS = 1, 8
MIN_REASON = 10  # characters: "karena bagus" is not a reason a reader can learn from


@dataclass(frozen=True)
class DomainInput:
    label: str
    description: str = ""


def domains_current(*, programme: Programme) -> DomainSet:
    """The programme's current domains, creating the default set the first time."""
    current = programme.msc_domain_sets.order_by("-created_at", "-pk").first()
    if current is not None:
        return current
    with transaction.atomic(), in_site_language():
        current = DomainSet.objects.create(programme=programme)
        ChangeDomain.objects.bulk_create(
            ChangeDomain(
                domain_set=current,
                key=key,
                label=str(label),
                description=str(description),
                order=order,
            )
            for order, (key, label, description) in enumerate(DEFAULT_DOMAINS)
        )
    return current


@transaction.atomic
def domains_revise(
    *, programme: Programme, domains: Sequence[DomainInput], reason: str, user
) -> DomainSet:
    """A new version of the domains (step 10); stories keep the domain they were told under.

    A domain whose label is unchanged keeps its key, so counts stay comparable.
    """
    check_manager(user, programme, _("Only the programme's managers change its domains."))
    rows = [DomainInput(d.label.strip(), d.description.strip()) for d in domains if d.label.strip()]
    if not MIN_DOMAINS <= len(rows) <= MAX_DOMAINS:
        raise ValidationFailed(
            _("Between %(min)d and %(max)d domains of change; this has %(count)d.")
            % {"min": MIN_DOMAINS, "max": MAX_DOMAINS, "count": len(rows)},
            field="domains",
        )
    if len({r.label.casefold() for r in rows}) != len(rows):
        raise ValidationFailed(_("A domain appears twice."), field="domains")
    previous = domains_current(programme=programme)
    old = list(previous.domains.all())
    if [(d.label, d.description) for d in old] == [(r.label, r.description) for r in rows]:
        raise ValidationFailed(_("Nothing changed in the domains."), field="domains")
    reason = required_text(
        reason,
        field="reason",
        message=_("Say why the domains change: the earlier version is kept."),
        minimum=5,
    )
    keys = {d.label.casefold(): d.key for d in old}
    new = DomainSet.objects.create(programme=programme, created_by=user, reason=reason)
    used: set[str] = set()
    for order, row in enumerate(rows):
        key = keys.get(row.label.casefold())
        key = key if key and key not in used else key_for(row.label, used)
        used.add(key)
        ChangeDomain.objects.create(
            domain_set=new,
            key=key,
            label=row.label[:200],
            description=row.description,
            order=order,
        )
    return new


@transaction.atomic
def period_create(
    *,
    programme: Programme,
    label: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    user,
) -> ReportingPeriod:
    check_manager(user, programme, _("Only the programme's managers set reporting periods."))
    label = required_text(label, field="label", message=_("Give the period a name."))
    if ends_on < starts_on:
        raise ValidationFailed(_("A period ends after it starts."), field="ends_on")
    if starts_on < programme.start_date or ends_on > programme.planned_end_date:
        raise ValidationFailed(
            _("A reporting period falls within the programme (%(start)s – %(end)s).")
            % {"start": programme.start_date, "end": programme.planned_end_date},
            field="starts_on",
        )
    overlapping = programme.reporting_periods.filter(
        starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if overlapping is not None:
        raise ValidationFailed(
            _("This period overlaps “%(other)s”.") % {"other": overlapping.label},
            field="starts_on",
        )
    if programme.reporting_periods.filter(label__iexact=label).exists():
        raise ValidationFailed(_("There is already a period with this name."), field="label")
    return ReportingPeriod.objects.create(
        programme=programme, label=label, starts_on=starts_on, ends_on=ends_on
    )


def _check_storyteller(
    person: Person | None, *, programme: Programme, village_code: str, consent: str, name: str
) -> None:
    if person is not None and (
        person.organisation_id != programme.organisation_id
        or person.household.village_id != village_code
    ):
        raise ValidationFailed(
            _("%(name)s is not registered in this village.") % {"name": person.name},
            field="storyteller",
        )
    if consent == Consent.ANONYMOUS and name:
        raise ValidationFailed(
            _("The storyteller asked not to be named: leave the name empty."),
            field="storyteller_name",
        )


@transaction.atomic
def story_record(
    *,
    user,
    programme: Programme,
    village_code: str,
    period: ReportingPeriod,
    domain: ChangeDomain,
    title: str,
    what_happened: str,
    why_significant: str,
    source: str,
    collected_on: datetime.date,
    consent: str,
    storyteller: Person | None = None,
    storyteller_name: str = "",
    storyteller_sex: str = "",
    storyteller_age: int | None = None,
    people_affected: int | None = None,
    households_affected: int | None = None,
) -> Story:
    """Keep a story told in a village (step 4). The storyteller's consent is required."""
    check_village(user, programme, village_code)
    if consent not in Consent.values:
        raise ValidationFailed(
            _("Ask the storyteller whether the story may be shared, and with their name."),
            field="consent",
        )
    if source not in Story.Source.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="source")
    if period.programme_id != programme.pk:
        raise ValidationFailed(_("Choose a reporting period of this programme."), field="period")
    if domain.domain_set != domains_current(programme=programme):
        raise ValidationFailed(_("Choose one of the programme's current domains."), field="domain")
    if not period.starts_on <= collected_on <= period.ends_on:
        raise ValidationFailed(
            _(
                "The story was collected on %(day)s, outside the period %(period)s "
                "(%(start)s – %(end)s)."
            )
            % {
                "day": collected_on,
                "period": period.label,
                "start": period.starts_on,
                "end": period.ends_on,
            },
            field="collected_on",
        )
    if collected_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), field="collected_on")
    storyteller_name = (storyteller_name or "").strip()
    _check_storyteller(
        storyteller,
        programme=programme,
        village_code=village_code,
        consent=consent,
        name=storyteller_name,
    )
    if storyteller is not None:
        storyteller_name, storyteller_sex, storyteller_age = "", "", None  # the registry knows
    if storyteller_sex not in ("", "L", "P"):
        raise ValidationFailed(_("Choose one of the listed answers."), field="storyteller_sex")
    if storyteller_age is not None and not 5 <= storyteller_age <= 120:
        raise ValidationFailed(_("An age between 5 and 120."), field="storyteller_age")
    for field, value in (
        ("people_affected", people_affected),
        ("households_affected", households_affected),
    ):
        if value is not None and value < 0:
            raise ValidationFailed(_("A count cannot be negative."), field=field)
    return Story.objects.create(
        organisation_id=programme.organisation_id,
        programme=programme,
        village_id=village_code,
        period=period,
        domain=domain,
        title=required_text(title, field="title", message=_("Give the story a title."))[:200],
        what_happened=required_text(
            what_happened, field="what_happened", message=_("Write what happened.")
        ),
        why_significant=required_text(
            why_significant,
            field="why_significant",
            message=_("Write why this change matters to the storyteller."),
        ),
        source=source,
        collected_by=user,
        collected_on=collected_on,
        storyteller=storyteller,
        storyteller_name=storyteller_name,
        storyteller_sex=storyteller_sex,
        storyteller_age=storyteller_age,
        consent=consent,
        people_affected=people_affected,
        households_affected=households_affected,
    )


@transaction.atomic
def story_analyse(
    *,
    story: Story,
    stage: str = "",
    strategies: Sequence[str] = (),
    themes: Sequence[str] = (),
    people_affected: int | None = None,
    households_affected: int | None = None,
) -> Story:
    """Code a story for the secondary analysis: 5P stage, strategies, themes, how many."""
    if stage and stage not in Stage.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="stage")
    if any(s not in Strategy.values for s in strategies):
        raise ValidationFailed(_("Choose one of the listed answers."), field="strategies")
    for field, value in (
        ("people_affected", people_affected),
        ("households_affected", households_affected),
    ):
        if value is not None and value < 0:
            raise ValidationFailed(_("A count cannot be negative."), field=field)
    cleaned = sorted({" ".join(t.split()).casefold()[:60] for t in themes if t.strip()})
    story.stage = stage
    story.strategies = sorted(set(strategies))
    story.themes = cleaned
    story.people_affected = people_affected
    story.households_affected = households_affected
    story.save(
        update_fields=["stage", "strategies", "themes", "people_affected", "households_affected"]
    )
    return story


@transaction.atomic
def story_attach(*, story: Story, upload: UploadedFile, user) -> StoryAttachment:
    """Keep a photo or a voice recording of the story (checked by its first bytes)."""
    content_type, suffix = sniff_media(upload)
    attachment = StoryAttachment(
        story=story,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(f"{story.pk}{suffix}", upload, save=False)
    attachment.save()
    return attachment


# -- selection (step 5) ------------------------------------------------------------------------

LOWER_LEVEL = {
    Panel.Level.PROGRAMME: Panel.Level.VILLAGE,
    Panel.Level.FUNDER: Panel.Level.PROGRAMME,
}


@transaction.atomic
def panel_hold(
    *,
    user,
    programme: Programme,
    period: ReportingPeriod,
    level: str,
    met_on: datetime.date,
    method: str,
    members: Sequence[tuple[str, str]],
    village_code: str | None = None,
    notes: str = "",
) -> Panel:
    """Record that a panel met: who sat on it, how it chose. Its choices follow."""
    if level not in Panel.Level.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="level")
    if method not in Panel.Method.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="method")
    if period.programme_id != programme.pk:
        raise ValidationFailed(_("Choose a reporting period of this programme."), field="period")
    if level == Panel.Level.VILLAGE:
        if not village_code:
            raise ValidationFailed(_("A village panel needs its village."), field="village")
        check_village(user, programme, village_code)
        covers = [village_code]
    else:
        check_manager(
            user, programme, _("Programme and funder panels are recorded by the managers.")
        )
        village_code = None
        covers = list(programme.villages.values_list("code", flat=True))
    if met_on < period.starts_on:
        raise ValidationFailed(
            _("A panel meets after its period has begun (%(start)s).")
            % {"start": period.starts_on},
            field="met_on",
        )
    within_programme(programme, met_on, field="met_on")
    people = [(n.strip(), r.strip()) for n, r in members if n.strip()]
    if not people:
        raise ValidationFailed(_("Write who sat on the panel."), field="members")
    panel = Panel.objects.create(
        programme=programme,
        period=period,
        level=level,
        village_id=village_code,
        met_on=met_on,
        method=method,
        notes=notes.strip(),
        created_by=user,
    )
    panel.covers.set(covers)
    PanelMember.objects.bulk_create(
        PanelMember(panel=panel, name=name[:150], represents=role[:150]) for name, role in people
    )
    return panel


def candidates_for(panel: Panel):
    """The stories a panel may choose from: its level's stories of the period.

    A village panel reads every story of its village and period; a programme panel reads
    the stories village panels chose; a funder panel those the programme panel chose.
    Above the village, only stories whose tellers agreed they may be shared.
    """
    stories = Story.objects.filter(programme_id=panel.programme_id, period_id=panel.period_id)
    if panel.level == Panel.Level.VILLAGE:
        return stories.filter(village_id=panel.village_id)
    return stories.filter(
        consent__in=[Consent.NAMED, Consent.ANONYMOUS],
        selections__panel__level=LOWER_LEVEL[panel.level],
        selections__panel__period_id=panel.period_id,
    ).distinct()


def _check_tally(method: str, tally, story_pk: int, candidates: set[int]):
    """Rounds of votes or scores, as whole numbers; the chosen story must have won."""
    if method == Panel.Method.CONSENSUS:
        if tally:
            raise ValidationFailed(_("A consensus has no votes or scores."), field="tally")
        return []
    rounds = tally if method == Panel.Method.VOTES else [tally]
    if not rounds or not all(isinstance(r, Mapping) and r for r in rounds):
        raise ValidationFailed(
            _("Write the votes of each round.")
            if method == Panel.Method.VOTES
            else _("Write each story's score."),
            field="tally",
        )
    clean = []
    for row in rounds:
        counted = {}
        for key, value in row.items():
            if not str(key).isdigit() or int(key) not in candidates:
                raise ValidationFailed(
                    _("Votes and scores are for the stories this panel read."), field="tally"
                )
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationFailed(_("Votes and scores are whole numbers."), field="tally")
            counted[str(int(key))] = value
        clean.append(counted)
    last = clean[-1]
    best = max(last.values())
    winners = [int(k) for k, v in last.items() if v == best]
    if winners != [story_pk]:
        raise ValidationFailed(
            _(
                "The chosen story must have the most votes or the highest score in the last "
                "round; with a tie, hold another round."
            )
            if len(winners) > 1
            else _(
                "The chosen story must have the most votes or the highest score in the last round."
            ),
            field="tally",
        )
    return clean if method == Panel.Method.VOTES else clean[0]


@transaction.atomic
def selection_record(
    *,
    panel: Panel,
    domain: ChangeDomain,
    story: Story,
    reasons: str,
    dissent: str = "",
    tally=None,
) -> Selection:
    """The panel's choice in one domain, with the reasons written down (required)."""
    reasons = required_text(
        reasons,
        field="reasons",
        message=_(
            "Write down why the panel chose this story: the reasons are what the others learn from."
        ),
        minimum=MIN_REASON,
    )
    if story.domain_id != domain.pk:
        raise ValidationFailed(_("This story was told in another domain."), field="story")
    candidates = set(candidates_for(panel).filter(domain=domain).values_list("pk", flat=True))
    if story.pk not in candidates:
        raise ValidationFailed(
            _("This panel can only choose among the stories of its level and period."),
            field="story",
        )
    if Selection.objects.filter(panel=panel, domain=domain).exists():
        raise ValidationFailed(
            _("This panel already chose a story in this domain."), field="domain"
        )
    clean = _check_tally(panel.method, tally or [], story.pk, candidates)
    return Selection.objects.create(
        panel=panel,
        domain=domain,
        story=story,
        reasons=reasons,
        dissent=(dissent or "").strip(),
        tally=clean,
    )


@transaction.atomic
def feedback_record(
    *, story: Story, told_on: datetime.date, audience: str, what: str, user
) -> StoryFeedback:
    """Step 6: tell the storyteller (and the community) what the panels chose and why."""
    if audience not in StoryFeedback.Audience.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="audience")
    if told_on < story.collected_on:
        raise ValidationFailed(
            _("Feedback comes after the story was collected (%(day)s).")
            % {"day": story.collected_on},
            field="told_on",
        )
    if told_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), field="told_on")
    what = required_text(what, field="what", message=_("Write what they were told."))
    return StoryFeedback.objects.create(
        story=story, told_on=told_on, audience=audience, what=what, told_by=user
    )


@transaction.atomic
def verification_record(
    *, story: Story, verified_on: datetime.date, outcome: str, note: str, user
) -> StoryVerification:
    if outcome not in StoryVerification.Outcome.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="outcome")
    if verified_on < story.collected_on:
        raise ValidationFailed(
            _("Verification comes after the story was collected (%(day)s).")
            % {"day": story.collected_on},
            field="verified_on",
        )
    note = required_text(note, field="note", message=_("Write what was checked, and with whom."))
    return StoryVerification.objects.create(
        story=story, verified_on=verified_on, outcome=outcome, note=note, verified_by=user
    )
