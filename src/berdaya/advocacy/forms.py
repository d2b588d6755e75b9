"""Forms of the advocacy pages: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.facilitation.forms import DATE, BerdayaForm, blank

from .models import AdvocacyAction, AdvocacyCase


def _date(label, *, required_message) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE,
        error_messages={"required": required_message, "invalid": _("Enter a valid date.")},
    )


def _count(label, *, required=True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        error_messages={
            "required": _("Give a number (0 if none)."),
            "invalid": _("Give a whole number."),
        },
    )


class _CaseForm(BerdayaForm):
    village = forms.ChoiceField(
        label=_("Village"), error_messages={"required": _("Choose the village.")}
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("A case needs a title.")}
    )
    demand = forms.CharField(
        label=_("Demand"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what is demanded, and of whom.")},
    )
    target = forms.ChoiceField(label=_("Target institution (registered)"), required=False)
    target_name = forms.CharField(
        label=_("Target institution (if not registered)"), max_length=200, required=False
    )
    opened_on = _date(_("Opened on"), required_message=_("Say when the case opened."))

    def __init__(self, *args, villages=(), stakeholders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.stakeholders = {str(s.pk): s for s in stakeholders}
        self.fields["village"].choices = blank(_("Choose…")) + [(v.code, v.name) for v in villages]
        self.fields["target"].choices = blank(_("None of these")) + [
            (str(s.pk), s.name) for s in stakeholders
        ]

    def chosen_target(self):
        return self.stakeholders.get(self.cleaned_data.get("target") or "")


class GapCaseForm(_CaseForm):
    scheme = forms.ChoiceField(
        label=_("Scheme"), error_messages={"required": _("Choose the scheme.")}
    )
    field_order = ["village", "scheme", "title", "demand", "target", "target_name", "opened_on"]

    def __init__(self, *args, schemes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = blank(_("Choose…")) + list(schemes)


class OtherCaseForm(_CaseForm):
    kind = forms.ChoiceField(
        label=_("Kind of case"),
        choices=blank(_("Choose…"))
        + [
            (k, label)
            for k, label in AdvocacyCase.Kind.choices
            if k != AdvocacyCase.Kind.COVERAGE_GAP
        ],
        error_messages={"required": _("Choose service failure or rights violation.")},
    )
    people_affected = _count(_("Households affected"))
    field_order = ["kind", "village", "title", "demand", "people_affected"]


class ActionForm(BerdayaForm):
    kind = forms.ChoiceField(
        label=_("Action"),
        choices=blank(_("Choose…")) + list(AdvocacyAction.Kind.choices),
        error_messages={"required": _("Choose the kind of action.")},
    )
    held_on = _date(_("Date"), required_message=_("Say when it took place."))
    poor_participants = _count(_("Poor households taking part"))
    other_participants = _count(_("Others taking part"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(BerdayaForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=blank(_("Choose…"))
        + [(k, label) for k, label in AdvocacyCase.Outcome.choices if k != "open"],
        error_messages={"required": _("Choose the outcome.")},
    )
    on = _date(_("Decided on"), required_message=_("Say when the outcome came."))
    note = forms.CharField(
        label=_("What was decided"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
