"""Forms of the planning flow: they parse input; the services decide and write.

A ballot form has one field per comparison (pairwise), per problem and criterion
(matrix), or per problem (dots, Borda); `ballot()` turns it into the stored shape
`services.vote_record` counts. A posted field that names a problem not on the list
is reported, never silently dropped.
"""

from __future__ import annotations

from itertools import combinations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from berdaya.facilitation.forms import DATE, BerdayaForm, PersonField, blank

from .models import ActionTask, Evaluation, PlanningCycle, TreeNode

LONG = forms.Textarea(attrs={"rows": 3})


class CycleForm(BerdayaForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    village = forms.ChoiceField(label=_("Village"))
    group = forms.ChoiceField(
        label=_("For a group"),
        required=False,
        help_text=_("Leave empty for a plan of the whole village."),
    )
    started_on = forms.DateField(label=_("Started on"), widget=DATE)

    def __init__(self, *args, villages, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]
        self.fields["group"].choices = blank(_("The whole village")) + [
            (str(g.pk), f"{g.name} · {g.village.name}") for g in groups
        ]


class ProblemForm(BerdayaForm):
    # Set when a problem already written down is corrected.
    problem = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=LONG)
    raised_by = PersonField(label=_("Who raised it"), required=False)


class TreeNodeForm(BerdayaForm):
    problem = forms.ChoiceField(label=_("Problem"))
    kind = forms.ChoiceField(
        label=_("Cause or effect"), choices=TreeNode.Kind.choices, widget=forms.RadioSelect
    )
    parent = forms.ChoiceField(
        label=_("Under"),
        required=False,
        help_text=_("For a deeper cause: the cause it explains."),
    )
    text = forms.CharField(label=_("Text"), max_length=300)

    def __init__(self, *args, problems, nodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [(str(p.pk), p.title) for p in problems]
        self.fields["parent"].choices = blank(_("Directly under the problem")) + [
            (str(n.pk), f"{n.problem.title} / {n.text}") for n in nodes
        ]


class MethodForm(BerdayaForm):
    method = forms.ChoiceField(
        label=_("How will the community choose?"),
        choices=PlanningCycle.Method.choices,
        widget=forms.RadioSelect,
    )
    criteria = forms.CharField(
        label=_("Criteria and weights (matrix scoring)"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("Urgent = 3\nWe can do it ourselves = 2")}
        ),
        help_text=_("One criterion per line, with a whole-number weight after “=”."),
    )
    dots_per_voter = forms.IntegerField(
        label=_("Dots per person (dot voting)"), min_value=1, max_value=20, initial=3
    )

    def clean_criteria(self) -> dict[str, int]:
        criteria = {}
        for line in self.cleaned_data["criteria"].splitlines():
            if not line.strip():
                continue
            name, _sep, weight = line.rpartition("=")
            if not name.strip() or not weight.strip().isdigit() or int(weight) < 1:
                raise ValidationError(
                    _("Write each line as “criterion = weight”, the weight a whole number from 1.")
                )
            criteria[name.strip()] = int(weight)
        return criteria

    def clean(self):
        data = super().clean()
        if data.get("method") == PlanningCycle.Method.MATRIX and not data.get("criteria"):
            self.add_error("criteria", _("Matrix scoring needs criteria."))
        return data


PREFIXES = ("pair_", "score_", "dots_", "place_")


class BallotForm(BerdayaForm):
    voter = PersonField(label=_("Who is voting"))

    def __init__(self, *args, cycle: PlanningCycle, problems, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle, self.problems, self.criteria = cycle, list(problems), list(criteria)
        method = cycle.method
        if method == PlanningCycle.Method.PAIRWISE:
            for a, b in combinations(self.problems, 2):
                self.fields[f"pair_{a.pk}_{b.pk}"] = forms.ChoiceField(
                    label=f"{a.title} / {b.title}",
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[(str(a.pk), a.title), (str(b.pk), b.title), ("", _("No choice"))],
                )
        elif method == PlanningCycle.Method.MATRIX:
            scores = [("", "–")] + [(str(n), str(n)) for n in range(1, 6)]
            for problem in self.problems:
                for criterion in self.criteria:
                    self.fields[f"score_{problem.pk}_{criterion.pk}"] = forms.TypedChoiceField(
                        label=f"{problem.title}: {criterion.name}",
                        required=False,
                        choices=scores,
                        coerce=int,
                        empty_value=None,
                    )
        elif method == PlanningCycle.Method.DOTS:
            for problem in self.problems:
                self.fields[f"dots_{problem.pk}"] = forms.IntegerField(
                    label=problem.title,
                    required=False,
                    min_value=0,
                    max_value=cycle.dots_per_voter,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                )
        elif method == PlanningCycle.Method.BORDA:
            for problem in self.problems:
                self.fields[f"place_{problem.pk}"] = forms.IntegerField(
                    label=problem.title,
                    required=False,
                    min_value=1,
                    max_value=len(self.problems),
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
                )

    def clean(self):
        data = super().clean()
        unknown = sorted(k for k in self.data if k.startswith(PREFIXES) and k not in self.fields)
        if unknown:
            raise ValidationError(
                _("This ballot names a problem that is not on the list (%(fields)s).")
                % {"fields": ", ".join(unknown)}
            )
        return data

    def ballot_fields(self):
        return [self[name] for name in self.fields if name.startswith(PREFIXES)]

    def matrix_rows(self):
        """[(problem, [bound fields by criterion])] for a matrix-scoring table."""
        return [(p, [self[f"score_{p.pk}_{c.pk}"] for c in self.criteria]) for p in self.problems]

    def ballot(self):
        """The ballot in its stored shape (see `planning.ballots`)."""
        data, method = self.cleaned_data, self.cycle.method
        if method == PlanningCycle.Method.PAIRWISE:
            return [
                [
                    int(name.split("_")[1]),
                    int(name.split("_")[2]),
                    int(data[name]) if data[name] else None,
                ]
                for name in self.fields
                if name.startswith("pair_")
            ]
        if method == PlanningCycle.Method.MATRIX:
            return [
                [int(name.split("_")[1]), int(name.split("_")[2]), data[name]]
                for name in self.fields
                if name.startswith("score_")
            ]
        prefix = "dots_" if method == PlanningCycle.Method.DOTS else "place_"
        return {
            name.removeprefix(prefix): data[name]
            for name in self.fields
            if name.startswith(prefix) and data[name]
        }

    @staticmethod
    def initial_from(method: str, stored) -> dict:
        """Form values from a recorded ballot (to correct it)."""
        if method == PlanningCycle.Method.PAIRWISE:
            return {f"pair_{a}_{b}": "" if w is None else str(w) for a, b, w in stored}
        if method == PlanningCycle.Method.MATRIX:
            return {f"score_{p}_{c}": "" if s is None else str(s) for p, c, s in stored}
        prefix = "dots_" if method == PlanningCycle.Method.DOTS else "place_"
        return {f"{prefix}{option}": value for option, value in dict(stored).items()}


class SolutionForm(BerdayaForm):
    # Set when a solution already written down is corrected.
    solution = forms.IntegerField(required=False, widget=forms.HiddenInput)
    problem = forms.ChoiceField(label=_("For the problem"))
    title = forms.CharField(label=_("Solution"), max_length=200)
    socio_cultural = forms.BooleanField(
        label=_("Socio-cultural: it uses the community's own ways and institutions"),
        required=False,
    )
    internal_resources = forms.CharField(
        label=_("Resources from inside the community"), required=False, widget=LONG
    )
    external_resources = forms.CharField(
        label=_("Resources from outside"), required=False, widget=LONG
    )

    def __init__(self, *args, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [(str(p.pk), p.title) for p in problems]


class TaskForm(BerdayaForm):
    solution = forms.ChoiceField(label=_("For the solution"))
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = PersonField(
        label=_("Who from the community owns it"),
        required=False,
    )
    owner_outside = forms.CharField(
        label=_("Or: owner outside the community"),
        max_length=120,
        required=False,
        help_text=_("Only when nobody from the community can own it (an office, the facilitator)."),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)
    success_indicator = forms.CharField(
        label=_("Indicator of success"),
        max_length=300,
        help_text=_("How will the community know it worked? Stage 6 checks it."),
    )

    def __init__(self, *args, solutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].choices = [
            (str(s.pk), f"{s.title} ({s.problem.title})") for s in solutions
        ]


class TaskStatusForm(BerdayaForm):
    task = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=ActionTask.Status.choices)


class EvaluationForm(BerdayaForm):
    task = forms.ChoiceField(label=_("Task"))
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DATE)
    outcome = forms.ChoiceField(
        label=_("Against its indicator"),
        choices=Evaluation.Outcome.choices,
        widget=forms.RadioSelect,
    )
    lessons = forms.CharField(label=_("What we learned"), required=False, widget=LONG)

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [
            (str(t.pk), f"{t.title} — {t.success_indicator}") for t in tasks
        ]
