"""Forms of the group pages: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.facilitation.forms import DATE, BerdayaForm, PersonField, blank

from .models import Group, GroupMember

YES_NO = (
    ("yes", _("Yes: it was there before, the programme strengthens it")),
    ("no", _("No: it was started with the programme")),
)


class GroupFilterForm(BerdayaForm):
    village = forms.ChoiceField(label=_("Village"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=blank(_("Any")) + Group.Kind.choices
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = blank(_("All my villages")) + [
            (v.code, v.name) for v in villages
        ]


class GroupForm(BerdayaForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Group.Kind.choices)
    village = forms.ChoiceField(label=_("Village"))
    existed_before_programme = forms.ChoiceField(
        label=_("Did the group exist before the programme?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("Strengthening what already works is the method: say so when it was there."),
    )
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DATE)
    meeting_schedule = forms.CharField(
        label=_("Meeting schedule"),
        max_length=200,
        required=False,
        help_text=_("For example: every second Sunday of the month, at the chair's house."),
    )
    bylaws = forms.CharField(
        label=_("Bylaws (AD/ART)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Where it meets, for the village map (both or neither: the service checks).
    latitude = forms.FloatField(label=_("latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("longitude"), required=False, min_value=-180, max_value=180
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]


class MemberForm(BerdayaForm):
    person = PersonField(label=_("Person"))
    role = forms.ChoiceField(label=_("Role"), choices=GroupMember.Role.choices)
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE)


class LeaveForm(BerdayaForm):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    left_on = forms.DateField(label=_("Left on"), widget=DATE)


SCORES = [(str(n), str(n)) for n in range(1, 5)]


class AssessmentForm(BerdayaForm):
    """Every criterion of the rubric scored 1–4, with the evidence seen."""

    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)  # (key, label, guidance)
        for key, label, guidance in self.criteria:
            self.fields[f"score_{key}"] = forms.TypedChoiceField(
                label=label,
                choices=SCORES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "score"}),
                help_text=guidance,
                error_messages={"required": _("Give a score from 1 to 4.")},
            )
            self.fields[f"evidence_{key}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["notes"] = forms.CharField(
            label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def rows(self):
        return [(self[f"score_{key}"], self[f"evidence_{key}"]) for key, _l, _g in self.criteria]

    def scores(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {
            key: (data[f"score_{key}"], data[f"evidence_{key}"]) for key, _l, _g in self.criteria
        }


class CriterionForm(BerdayaForm):
    label = forms.CharField(label=_("Criterion"), max_length=200, required=False)
    guidance = forms.CharField(
        label=_("What each score means"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=12)


class RubricForm(BerdayaForm):
    name = forms.CharField(label=_("Name of the rubric"), max_length=200)
    reason = forms.CharField(
        label=_("Why the rubric changes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the earlier version. Not needed for the programme's first rubric."),
    )
