"""Forms of the learning pages: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.facilitation.forms import DATE, BerdayaForm, PersonField, blank
from berdaya.programmes.vocabulary import Stage, Strategy

from .models import Consent, Panel, Story, StoryFeedback, StoryVerification

TEXT = forms.Textarea(attrs={"rows": 4})
NUMBER = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})


class StoryForm(BerdayaForm):
    village = forms.ChoiceField(label=_("Village"))
    period = forms.ChoiceField(label=_("Reporting period"))
    domain = forms.ChoiceField(label=_("Domain of change"), widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    what_happened = forms.CharField(label=_("What happened"), widget=TEXT)
    why_significant = forms.CharField(
        label=_("Why it matters to the storyteller"),
        widget=TEXT,
        help_text=_("In the storyteller's own words: why is this the most significant change?"),
    )
    source = forms.ChoiceField(
        label=_("How it was collected"), choices=Story.Source.choices, widget=forms.RadioSelect
    )
    collected_on = forms.DateField(label=_("Collected on"), widget=DATE)
    person = PersonField(label=_("Storyteller (from the registry)"), required=False)
    storyteller_name = forms.CharField(
        label=_("Or the storyteller's name, if not in the registry"), max_length=150, required=False
    )
    storyteller_sex = forms.ChoiceField(
        label=_("Storyteller's sex"),
        required=False,
        choices=blank(_("Not known")) + Story.Sex.choices,
    )
    storyteller_age = forms.IntegerField(
        label=_("Storyteller's age"), required=False, min_value=5, max_value=120, widget=NUMBER
    )
    consent = forms.ChoiceField(
        label=_("The storyteller's consent"),
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Ask the storyteller whether the story may be shared, and with their name."
            )
        },
    )
    people_affected = forms.IntegerField(
        label=_("People it speaks of"), required=False, min_value=0, widget=NUMBER
    )
    households_affected = forms.IntegerField(
        label=_("Households it speaks of"), required=False, min_value=0, widget=NUMBER
    )
    file = forms.FileField(
        label=_("Photo or voice recording (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,audio/*"}),
    )

    def __init__(self, *args, villages, periods, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]
        self.fields["period"].choices = [(str(p.pk), p.label) for p in periods]
        self.fields["domain"].choices = [(str(d.pk), d.label) for d in domains]


class AttachmentForm(BerdayaForm):
    file = forms.FileField(
        label=_("Photo or voice recording"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,audio/*"}),
    )


class AnalyseForm(BerdayaForm):
    stage = forms.ChoiceField(
        label=_("5P stage"), required=False, choices=blank(_("Not coded")) + Stage.choices
    )
    strategies = forms.MultipleChoiceField(
        label=_("Strategies"),
        required=False,
        choices=Strategy.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.CharField(
        label=_("Themes"),
        required=False,
        help_text=_("Separate themes with commas, e.g. air bersih, perempuan memimpin."),
    )
    people_affected = forms.IntegerField(
        label=_("People it speaks of"), required=False, min_value=0, widget=NUMBER
    )
    households_affected = forms.IntegerField(
        label=_("Households it speaks of"), required=False, min_value=0, widget=NUMBER
    )

    def theme_list(self) -> list[str]:
        return [t for t in self.cleaned_data["themes"].split(",") if t.strip()]


class FeedbackForm(BerdayaForm):
    told_on = forms.DateField(label=_("Told on"), widget=DATE)
    audience = forms.ChoiceField(
        label=_("Told to"), choices=StoryFeedback.Audience.choices, widget=forms.RadioSelect
    )
    what = forms.CharField(label=_("What they were told"), widget=TEXT)


class VerificationForm(BerdayaForm):
    verified_on = forms.DateField(label=_("Verified on"), widget=DATE)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=StoryVerification.Outcome.choices)
    note = forms.CharField(label=_("What was checked, with whom"), widget=TEXT)


class PeriodForm(BerdayaForm):
    label = forms.CharField(label=_("Name"), max_length=100)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)


class DomainsForm(BerdayaForm):
    domains = forms.CharField(
        label=_("Domains of change"),
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("One domain a line; after a colon, what belongs in it."),
    )
    reason = forms.CharField(label=_("Why they change"), widget=forms.Textarea(attrs={"rows": 3}))

    def rows(self):
        from .services import DomainInput

        rows = []
        for line in self.cleaned_data["domains"].splitlines():
            label, _sep, description = line.partition(":")
            if label.strip():
                rows.append(DomainInput(label.strip(), description.strip()))
        return rows


class PanelForm(BerdayaForm):
    period = forms.ChoiceField(label=_("Reporting period"))
    level = forms.ChoiceField(label=_("Level"), choices=Panel.Level.choices)
    village = forms.ChoiceField(label=_("Village (for a village panel)"), required=False)
    met_on = forms.DateField(label=_("Met on"), widget=DATE)
    method = forms.ChoiceField(
        label=_("How they chose"), choices=Panel.Method.choices, widget=forms.RadioSelect
    )
    members = forms.CharField(
        label=_("Who sat on the panel"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One person a line; after a comma, their role, e.g. Bu Sumarni, ketua KWT."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT)

    def __init__(self, *args, periods, villages, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(p.pk), p.label) for p in periods]
        self.fields["village"].choices = blank(_("—")) + [(v.code, v.name) for v in villages]
        self.fields["level"].choices = [c for c in Panel.Level.choices if c[0] in levels]

    def member_rows(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["members"].splitlines():
            name, _sep, role = line.partition(",")
            if name.strip():
                rows.append((name.strip(), role.strip()))
        return rows


class SelectionForm(BerdayaForm):
    story = forms.ChoiceField(label=_("The story chosen"), widget=forms.RadioSelect)
    tally = forms.CharField(
        label=_("Votes or scores"),
        required=False,
        help_text=_(
            "Votes: one round a line, each story's votes in the order listed, e.g. 3 5 1. "
            "Scoring: one line of scores. Consensus: leave empty."
        ),
    )
    # Not required here: the service refuses an empty reason with the method's own words.
    reasons = forms.CharField(
        label=_("Why the panel chose this story"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    dissent = forms.CharField(
        label=_("Dissent: who disagreed, and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, stories, domain_pk: int, **kwargs):
        super().__init__(*args, prefix=f"d{domain_pk}", **kwargs)
        self.domain_pk = domain_pk
        self.stories = list(stories)
        self.fields["story"].choices = [(str(s.pk), s.title) for s in self.stories]

    def clean_tally(self):
        """Numbers per line, in the order of the stories listed → [{story id: n}, ...]."""
        text = self.cleaned_data["tally"].strip()
        if not text:
            return []
        rounds = []
        for line in text.splitlines():
            if not line.strip():
                continue
            parts = line.replace(",", " ").split()
            if not all(p.isdigit() for p in parts) or len(parts) != len(self.stories):
                raise forms.ValidationError(
                    _("Give one whole number for each of the %(count)d stories, in order.")
                    % {"count": len(self.stories)}
                )
            rounds.append({str(s.pk): int(p) for s, p in zip(self.stories, parts, strict=True)})
        return rounds


# -- results framework -------------------------------------------------------------------------


class NodeForm(BerdayaForm):
    level = forms.ChoiceField(label=_("Level"), choices=())
    parent = forms.ChoiceField(label=_("Serves"), required=False)
    code = forms.CharField(label=_("Code"), max_length=20)
    statement = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, nodes, **kwargs):
        from .models import ResultNode

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = ResultNode.Level.choices
        self.fields["parent"].choices = blank(_("—")) + [
            (str(n.pk), f"{n.code} {n.statement[:50]}") for n in nodes
        ]


class IndicatorForm(BerdayaForm):
    node = forms.ChoiceField(label=_("Result"))
    name = forms.CharField(label=_("Indicator"), max_length=250)
    source = forms.ChoiceField(
        label=_("Computed as"), required=False, help_text=_("Leave empty to enter values by hand.")
    )
    village = forms.ChoiceField(label=_("Village"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    unit = forms.CharField(label=_("Unit"), max_length=60, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=())
    baseline_numerator = forms.IntegerField(label=_("Baseline"), required=False, widget=NUMBER)
    baseline_denominator = forms.IntegerField(
        label=_("Baseline: out of (for a percentage or ratio)"), required=False, widget=NUMBER
    )
    baseline_on = forms.DateField(label=_("Baseline date"), required=False, widget=DATE)
    means_of_verification = forms.CharField(
        label=_("Means of verification"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    disaggregations = forms.MultipleChoiceField(
        label=_("Disaggregated by"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, nodes, villages, **kwargs):
        from .calculators import CALCULATORS
        from .models import Indicator

        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [(str(n.pk), f"{n.code} {n.statement[:50]}") for n in nodes]
        self.fields["source"].choices = blank(_("Entered by hand")) + [
            (key, c.label) for key, c in CALCULATORS.items()
        ]
        self.fields["village"].choices = blank(_("All villages")) + [
            (v.code, v.name) for v in villages
        ]
        self.fields["kind"].choices = Indicator.Kind.choices
        self.fields["direction"].choices = Indicator.Direction.choices
        self.fields["disaggregations"].choices = DIMENSION_LABELS


DIMENSION_LABELS = [
    ("sex", _("Sex")),
    ("age_band", _("Age band")),
    ("disability", _("Disability")),
    ("poverty", _("Poverty status")),
    ("village", _("Village")),
]
CATEGORY_LABELS = {
    "L": _("Male"),
    "P": _("Female"),
    "child": _("Under 18"),
    "youth": "18–29",
    "adult": "30–59",
    "elderly": _("60 or older"),
    "with": _("With a disability"),
    "without": _("Without a disability"),
    "severe": _("Severely poor"),
    "poor": _("Poor"),
    "vulnerable": _("Vulnerable"),
    "not_poor": _("Not poor"),
    "unknown": _("Not known"),
}


class TargetForm(BerdayaForm):
    period = forms.ChoiceField(label=_("Reporting period"))
    numerator = forms.IntegerField(label=_("Target"), widget=NUMBER)
    denominator = forms.IntegerField(label=_("Out of"), required=False, widget=NUMBER)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(p.pk), p.label) for p in periods]


class ActualForm(BerdayaForm):
    """The total once, and per dimension the known categories; "unknown" is the remainder."""

    period = forms.ChoiceField(label=_("Reporting period"))
    numerator = forms.IntegerField(
        label=_("Total"),
        required=False,
        widget=NUMBER,
        help_text=_("Leave empty to use the sum of the first breakdown."),
    )
    denominator = forms.IntegerField(label=_("Total: out of"), required=False, widget=NUMBER)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, periods, indicator, villages, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import DIMENSIONS

        self.fields["period"].choices = [(str(p.pk), p.label) for p in periods]
        self.share = indicator.kind == "percent"
        self.dimensions = []
        labels = dict(DIMENSION_LABELS)
        for dimension in indicator.disaggregations:
            categories = DIMENSIONS[dimension] or [v.code for v in villages]
            names = {v.code: v.name for v in villages}
            rows = []
            for category in categories:
                label = CATEGORY_LABELS.get(category) or names.get(category, category)
                n = f"{dimension}__{category}__n"
                self.fields[n] = forms.IntegerField(label=label, required=False, widget=NUMBER)
                d = None
                if self.share:
                    d = f"{dimension}__{category}__d"
                    self.fields[d] = forms.IntegerField(
                        label=_("out of"), required=False, widget=NUMBER
                    )
                rows.append((self[n], self[d] if d else None))
            self.dimensions.append((labels[dimension], rows))

    def parts(self):
        from .arithmetic import Value

        parts: dict[str, dict] = {}
        for name, value in self.cleaned_data.items():
            if not name.endswith("__n") or value is None:
                continue
            dimension, category, _n = name.split("__")
            denominator = (
                self.cleaned_data.get(f"{dimension}__{category}__d") if self.share else None
            )
            parts.setdefault(dimension, {})[category] = Value(value, denominator)
        return parts

    def total(self):
        from .arithmetic import Value

        if self.cleaned_data["numerator"] is None:
            return None
        return Value(self.cleaned_data["numerator"], self.cleaned_data["denominator"])


# -- empowerment -------------------------------------------------------------------------------


class EmpowermentForm(BerdayaForm):
    """One 1–5 choice and one evidence box per domain of the rubric."""

    village = forms.ChoiceField(label=_("Village"))
    group = forms.ChoiceField(label=_("Group (empty: the whole village)"), required=False)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    participants = forms.CharField(
        label=_("Who scored it together"), widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT)

    def __init__(self, *args, villages, groups, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]
        self.fields["group"].choices = blank(_("—")) + [
            (str(g.pk), f"{g.name} · {g.village.name}") for g in groups
        ]
        self.domains = list(domains)
        for domain in self.domains:
            self.fields[f"score_{domain.key}"] = forms.TypedChoiceField(
                label=domain.label,
                coerce=int,
                choices=[(n, str(n)) for n in range(1, 6)],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"evidence_{domain.key}"] = forms.CharField(
                label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        return [(self[f"score_{d.key}"], self[f"evidence_{d.key}"]) for d in self.domains]

    def scores(self):
        return {
            d.key: (
                self.cleaned_data.get(f"score_{d.key}"),
                self.cleaned_data.get(f"evidence_{d.key}", ""),
            )
            for d in self.domains
        }


class RubricChoiceForm(BerdayaForm):
    framework = forms.ChoiceField(label=_("Rubric"), choices=())
    reason = forms.CharField(label=_("Why it changes"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from .models import EmpowermentRubric

        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [
            c for c in EmpowermentRubric.Framework.choices if c[0] != "own"
        ]


# -- graduation, Rothman, reviews --------------------------------------------------------------


class GraduationForm(BerdayaForm):
    """Subject and date, then a 0/50/100 choice and evidence per criterion not computed."""

    SCORES = [(100, _("Met")), (50, _("Partly")), (0, _("Not met"))]

    village = forms.ChoiceField(label=_("Village"))
    household = forms.ChoiceField(label=_("Household"), required=False)
    group = forms.ChoiceField(label=_("Group"), required=False)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT)

    def __init__(self, *args, pathway, villages, households, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.pathway = pathway
        self.fields["village"].choices = [(v.code, v.name) for v in villages]
        self.fields["household"].choices = blank(_("—")) + [
            (str(h.pk), f"{h} · {h.dusun or h.village.name}") for h in households
        ]
        self.fields["group"].choices = blank(_("—")) + [(str(g.pk), g.name) for g in groups]
        self.criteria = list(pathway.criteria.all())
        for c in self.criteria:
            help_text = (
                _("Computed from the registry when it knows; else score it.")
                if c.method == "computed"
                else c.get_method_display()
            )
            self.fields[f"score_{c.key}"] = forms.TypedChoiceField(
                label=f"{c.label}{' *' if c.required else ''} (×{c.weight})",
                coerce=int,
                choices=self.SCORES,
                widget=forms.RadioSelect,
                required=False,
                help_text=help_text,
            )
            self.fields[f"evidence_{c.key}"] = forms.CharField(
                label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 1})
            )

    def rows(self):
        return [(self[f"score_{c.key}"], self[f"evidence_{c.key}"]) for c in self.criteria]

    def scores(self):
        return {
            c.key: (
                self.cleaned_data.get(f"score_{c.key}"),
                self.cleaned_data.get(f"evidence_{c.key}", ""),
            )
            for c in self.criteria
        }


class RecommendForm(BerdayaForm):
    decision = forms.ChoiceField(label=_("Recommendation"), choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from .models import GraduationAssessment

        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = GraduationAssessment.Decision.choices


class ApproveForm(BerdayaForm):
    approved_on = forms.DateField(label=_("Approved on"), widget=DATE)


class VisitForm(BerdayaForm):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=())
    note = forms.CharField(label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from .models import PostExitVisit

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = PostExitVisit.Status.choices


class RothmanForm(BerdayaForm):
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT)

    def __init__(self, *args, **kwargs):
        from .rothman import VARIABLES

        super().__init__(*args, **kwargs)
        self.variables = VARIABLES
        for v in VARIABLES:
            self.fields[f"v{v.number}"] = forms.MultipleChoiceField(
                label=f"{v.number}. {v.label}",
                required=False,
                choices=[("A", f"A · {v.a}"), ("B", f"B · {v.b}"), ("C", f"C · {v.c}")],
                widget=forms.CheckboxSelectMultiple,
            )

    def answers(self):
        return {v.number: self.cleaned_data.get(f"v{v.number}") or [] for v in self.variables}


class ReviewForm(BerdayaForm):
    village = forms.ChoiceField(label=_("Village (empty: the whole programme)"), required=False)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    what_worked = forms.CharField(label=_("What worked"), required=False, widget=TEXT)
    what_failed = forms.CharField(label=_("What failed"), required=False, widget=TEXT)
    why = forms.CharField(label=_("Why"), required=False, widget=TEXT)
    what_changes = forms.CharField(label=_("What changes"), required=False, widget=TEXT)
    stories = forms.MultipleChoiceField(
        label=_("Stories it drew on"), required=False, widget=forms.CheckboxSelectMultiple
    )
    indicators = forms.MultipleChoiceField(
        label=_("Indicators it drew on"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, villages, stories, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = blank(_("—")) + [(v.code, v.name) for v in villages]
        self.fields["stories"].choices = [
            (str(s.pk), f"{s.title} · {s.village.name}") for s in stories
        ]
        self.fields["indicators"].choices = [(str(i.pk), i.name) for i in indicators]


class PathwayForm(BerdayaForm):
    level = forms.ChoiceField(label=_("Level"), choices=())
    name = forms.CharField(label=_("Name"), max_length=200)
    monitor_months = forms.IntegerField(
        label=_("Months of monitoring after exit"), min_value=1, max_value=60, initial=12
    )
    based_on = forms.CharField(label=_("Source of the criteria"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import GraduationPathway

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = GraduationPathway.Level.choices


class CriterionRowForm(BerdayaForm):
    label = forms.CharField(label=_("Criterion"), max_length=250, required=False)
    method = forms.ChoiceField(label=_("How it is known"), choices=(), required=False)
    weight = forms.IntegerField(
        label=_("Weight"), min_value=1, max_value=10, initial=1, widget=NUMBER
    )
    required = forms.BooleanField(label=_("Required to graduate"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import GraduationCriterion

        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            c for c in GraduationCriterion.Method.choices if c[0] != "computed"
        ]


CriterionFormSet = forms.formset_factory(CriterionRowForm, extra=6)


class CiteForm(BerdayaForm):
    revision = forms.ChoiceField(label=_("Plan revision"))

    def __init__(self, *args, revisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].choices = [
            (str(r.pk), f"{r.revised_at:%Y-%m-%d} · {r.reason[:60]}") for r in revisions
        ]
