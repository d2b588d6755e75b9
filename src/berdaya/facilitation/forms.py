"""Forms of the accompaniment pages: they parse input; the services decide and write.

`show_error` puts a service's refusal (`ValidationFailed` with a `field`) next to that
field, so the form keeps what the user typed. The groups and planning pages use the
same helpers.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.errors import BerdayaError
from berdaya.core.validators import bound_integer_fields
from berdaya.programmes.vocabulary import Level, Stage, Strategy

from .models import Activity, AgeBand

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def blank(label) -> list[tuple[str, str]]:
    return [("", label)]


class BerdayaForm(forms.Form):
    """Marks fields with errors (`aria-invalid`), which Pico styles and screen readers read.
    Every integer field is checked against its range (`core.validators`)."""

    def full_clean(self):
        bound_integer_fields(self)
        super().full_clean()

    def add_error(self, field, error):
        super().add_error(field, error)
        names = list(error) if isinstance(error, dict) else [field] if field else []
        for name in names:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


def show_error(form: forms.Form, error: BerdayaError) -> None:
    """Put a service's refusal next to the field it is about (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class PersonField(forms.IntegerField):
    """A registry person picked with the search box (`_person_picker.html`): their id."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Search for a name and choose the person."),
                "invalid": _("Search for a name and choose the person."),
            },
        )
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(min_value=1, **kwargs)


# -- activities --------------------------------------------------------------------------------


class ActivityFilterForm(BerdayaForm):
    village = forms.ChoiceField(label=_("Village"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=blank(_("Any")) + Activity.Kind.choices
    )
    stage = forms.ChoiceField(
        label=_("5P stage"), required=False, choices=blank(_("Any")) + Stage.choices
    )
    strategy = forms.ChoiceField(
        label=_("Strategy"), required=False, choices=blank(_("Any")) + Strategy.choices
    )
    initiated_by = forms.ChoiceField(
        label=_("Initiated by"),
        required=False,
        choices=blank(_("Anyone")) + Activity.Initiator.choices,
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = blank(_("All my villages")) + [
            (v.code, v.name) for v in villages
        ]


class ActivityForm(BerdayaForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    village = forms.ChoiceField(label=_("Village"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    initiated_by = forms.ChoiceField(
        label=_("Who initiated it"),
        choices=Activity.Initiator.choices,
        widget=forms.RadioSelect,
        help_text=_("Whose idea was this activity? Over the years this shows who takes the lead."),
    )
    initiator_person = PersonField(label=_("The community member who initiated it"), required=False)
    initiator_group = forms.ChoiceField(label=_("The group that initiated it"), required=False)
    group = forms.ChoiceField(label=_("Meeting of the group"), required=False)
    stage = forms.ChoiceField(label=_("5P stage"), choices=Stage.choices)
    strategies = forms.MultipleChoiceField(
        label=_("Strategies it serves"),
        choices=Strategy.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, widget=forms.RadioSelect)
    facilitators = forms.MultipleChoiceField(
        label=_("Facilitators"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, villages, groups, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]
        group_choices = blank(_("None")) + [
            (str(g.pk), f"{g.name} · {g.village.name}") for g in groups
        ]
        self.fields["initiator_group"].choices = group_choices
        self.fields["group"].choices = group_choices
        self.fields["facilitators"].choices = [(str(u.pk), str(u)) for u in facilitators]


class AttendanceForm(BerdayaForm):
    person = PersonField(label=_("Person"))
    spoke = forms.BooleanField(label=_("Spoke"), required=False)
    proposed = forms.BooleanField(label=_("Proposed"), required=False)
    decided = forms.BooleanField(label=_("Decided"), required=False)
    facilitated = forms.BooleanField(label=_("Facilitated"), required=False)

    def roles(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in ROLE_FIELDS}


ROLE_FIELDS = ("spoke", "proposed", "decided", "facilitated")


class RollForm(BerdayaForm):
    """Who came, ticked from a list: the ids listed on the page and the ids ticked."""

    listed = forms.RegexField(regex=r"^\d+(,\d+)*$", widget=forms.HiddenInput)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.ticked = [int(v) for v in (data.getlist("came") if data else []) if v.isdigit()]

    def listed_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data["listed"].split(",")]


class RemoveAttendanceForm(BerdayaForm):
    person = forms.IntegerField(widget=forms.HiddenInput)


class GuestsForm(BerdayaForm):
    """Unregistered guests: one number per sex and age band (0 or empty removes the line)."""

    SEXES = (("P", _("Women")), ("L", _("Men")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for sex, _sex_label in self.SEXES:
            for band, band_label in AgeBand.choices:
                self.fields[f"{sex}_{band}"] = forms.IntegerField(
                    label=band_label,
                    required=False,
                    min_value=0,
                    max_value=5000,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                )

    def rows(self):
        """[(sex label, [bound fields by age band])] for the template's grid."""
        return [
            (label, [self[f"{sex}_{band}"] for band, _band_label in AgeBand.choices])
            for sex, label in self.SEXES
        ]

    def counts(self) -> list[tuple[str, str, int]]:
        return [
            (sex, band, self.cleaned_data.get(f"{sex}_{band}") or 0)
            for sex, _label in self.SEXES
            for band, _band_label in AgeBand.choices
        ]


class AttachmentForm(BerdayaForm):
    file = forms.FileField(
        label=_("Photo or document"),
        help_text=_("A JPEG or PNG photo, or a PDF; at most %(limit)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args, limit_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {"limit": limit_mb}


class ParticipationForm(BerdayaForm):
    PERIODS = (("quarter", _("Quarter")), ("month", _("Month")))

    village = forms.ChoiceField(label=_("Village"), required=False)
    period = forms.ChoiceField(label=_("Per"), choices=PERIODS, required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = blank(_("All my villages")) + [
            (v.code, v.name) for v in villages
        ]
