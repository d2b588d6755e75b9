"""Forms of the programme pages (timeline, cadres, critical mass): they parse input only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.facilitation.forms import DATE, BerdayaForm, PersonField

from .vocabulary import Stage


class PhaseForm(BerdayaForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", "—"), *Stage.choices], required=False)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        filled = [data.get(name) for name in ("stage", "starts_on", "ends_on")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(_("A phase needs its stage, start and end."))
        return data


PhaseFormSet = forms.formset_factory(PhaseForm, extra=2, max_num=40)


class RevisionForm(BerdayaForm):
    reason = forms.CharField(
        label=_("Why the plan changes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the old plan. Not needed for the first plan."),
    )


class CadreForm(BerdayaForm):
    village = forms.ChoiceField(label=_("Village"))
    person = PersonField(label=_("Person"))
    since = forms.DateField(label=_("Since"), widget=DATE)
    why = forms.CharField(
        label=_("Why: what they do, who listens to them"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]


class CadreEndForm(BerdayaForm):
    until = forms.DateField(label=_("Until"), widget=DATE)


class TargetForm(BerdayaForm):
    village = forms.CharField(widget=forms.HiddenInput)
    percent = forms.IntegerField(
        label=_("Target share of empowered adults (%)"), required=False, min_value=1, max_value=100
    )
