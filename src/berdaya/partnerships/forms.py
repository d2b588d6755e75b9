"""Forms of the partnership pages: they parse input; the services decide and write.

A refusal of a service (`ValidationFailed` with a `field`) is shown next to that field by
`show_error`, and the form keeps what the user typed.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.facilitation.forms import DATE, BerdayaForm, blank

from .models import Agreement, Contribution, Stakeholder


def _choice(label, choices, *, required_message, required=True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=blank(_("Choose…")) + list(choices),
        required=required,
        error_messages={
            "required": required_message,
            "invalid_choice": _("Choose one of the listed answers."),
        },
    )


def _date(label, *, required_message, required=True) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE,
        required=required,
        error_messages={"required": required_message, "invalid": _("Enter a valid date.")},
    )


class _ProgrammeForm(BerdayaForm):
    """A form whose choices come from the programme (its villages, stakeholders, books)."""

    def __init__(self, *args, villages=(), stakeholders=(), agreements=(), books=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = {v.code: v for v in villages}
        self.stakeholders = {str(s.pk): s for s in stakeholders}
        self.agreements = {str(a.pk): a for a in agreements}
        self.books = {str(b.pk): b for b in books}
        if "village" in self.fields:
            self.fields["village"].choices = blank(_("The whole programme")) + [
                (v.code, v.name) for v in villages
            ]
        for name in ("stakeholder", "party"):
            if name in self.fields:
                self.fields[name].choices = blank(_("Choose…")) + [
                    (str(s.pk), f"{s.name} ({s.get_sector_display()})") for s in stakeholders
                ]
        if "parties" in self.fields:
            self.fields["parties"].choices = [
                (str(s.pk), f"{s.name} ({s.get_sector_display()})") for s in stakeholders
            ]
        if "agreement" in self.fields:
            self.fields["agreement"].choices = blank(_("None")) + [
                (str(a.pk), a.title) for a in agreements
            ]
        if "book" in self.fields:
            self.fields["book"].choices = blank(_("Choose…")) + [
                (str(b.pk), f"{b.name} · {b.village.name}") for b in books
            ]

    def chosen_village(self):
        return self.villages.get(self.cleaned_data.get("village") or "")


class StakeholderForm(_ProgrammeForm):
    name = forms.CharField(
        label=_("Name of the institution"),
        max_length=200,
        error_messages={"required": _("A stakeholder needs a name.")},
    )
    sector = _choice(
        _("Sector"), Stakeholder.Sector.choices, required_message=_("Choose the sector.")
    )
    role = _choice(
        _("Role in the programme"), Stakeholder.Role.choices, required_message=_("Choose the role.")
    )
    village = forms.ChoiceField(label=_("Works in"), required=False)
    contact_office = forms.CharField(
        label=_("Office or desk to contact"),
        max_length=200,
        required=False,
        help_text=_("The institution's office, not a community member's own details."),
    )
    contact_phone = forms.CharField(label=_("Office phone"), max_length=40, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LinkForm(_ProgrammeForm):
    stakeholder = forms.ChoiceField(
        label=_("Stakeholder"), error_messages={"required": _("Choose the stakeholder.")}
    )
    village = forms.ChoiceField(label=_("Works in"), required=False)
    contact_office = forms.CharField(
        label=_("Office or desk to contact"), max_length=200, required=False
    )
    contact_phone = forms.CharField(label=_("Office phone"), max_length=40, required=False)


class AgreementForm(_ProgrammeForm):
    kind = _choice(
        _("Kind of agreement"),
        Agreement.Kind.choices,
        required_message=_("Choose whether this is an MoU or a PKS."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("An agreement needs a title.")},
    )
    scope = forms.CharField(
        label=_("Scope"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the agreement covers.")},
    )
    parties = forms.MultipleChoiceField(
        label=_("Parties"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("An agreement needs at least one party."),
            "invalid_choice": _("Choose one of the listed answers."),
        },
    )
    starts_on = _date(_("Start"), required_message=_("Say when the agreement starts."))
    ends_on = _date(_("End"), required_message=_("Say when the agreement ends."))
    status = _choice(
        _("Status"), Agreement.Status.choices, required_message=_("Choose the status.")
    )
    document = forms.FileField(
        label=_("Signed document"),
        required=False,
        help_text=_("A PDF, or a JPEG or PNG photo of it; at most %(limit)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, limit_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = self.fields["document"].help_text % {"limit": limit_mb}

    def chosen_parties(self) -> list[Stakeholder]:
        return [self.stakeholders[pk] for pk in self.cleaned_data["parties"]]


class DocumentForm(BerdayaForm):
    document = forms.FileField(
        label=_("Signed document"),
        help_text=_("A PDF, or a JPEG or PNG photo of it; at most %(limit)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        error_messages={"required": _("Choose the signed document to upload.")},
    )
    status = forms.ChoiceField(
        label=_("Status from now on"),
        required=False,
        choices=blank(_("Unchanged")) + list(Agreement.Status.choices),
    )

    def __init__(self, *args, limit_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = self.fields["document"].help_text % {"limit": limit_mb}


class StatusForm(BerdayaForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=blank(_("Choose…")) + list(Agreement.Status.choices),
        error_messages={"required": _("Choose the status.")},
    )


class CommitmentForm(_ProgrammeForm):
    party = forms.ChoiceField(
        label=_("Party"), error_messages={"required": _("Choose the party that commits.")}
    )
    description = forms.CharField(
        label=_("What was promised"),
        max_length=300,
        error_messages={"required": _("Say what was promised.")},
    )
    due_on = _date(_("Due"), required_message=_("Say by when it is due."))
    decided_jointly = forms.BooleanField(label=_("Decided jointly by the parties"), required=False)


class MetForm(BerdayaForm):
    met_on = _date(_("Met on"), required_message=_("Say on which day it was met."))
    jointly = forms.BooleanField(
        label=_("The parties agreed together that it was met"), required=False
    )


class ContributionForm(_ProgrammeForm):
    stakeholder = forms.ChoiceField(
        label=_("Who contributed"), error_messages={"required": _("Choose who contributed.")}
    )
    kind = _choice(
        _("Kind of contribution"),
        Contribution.Kind.choices,
        required_message=_("Choose cash, in kind or staff time."),
    )
    value = forms.IntegerField(
        label=_("Value (rupiah)"),
        help_text=_("Whole rupiah. For goods and staff time: what they are worth."),
        error_messages={
            "required": _("Say what the contribution is worth."),
            "invalid": _("Amounts are whole Rupiah, without decimals."),
        },
    )
    hours = forms.IntegerField(
        label=_("Hours (staff time)"),
        required=False,
        error_messages={"invalid": _("Hours are a whole number.")},
    )
    purpose = forms.CharField(
        label=_("What it was for"),
        max_length=300,
        error_messages={"required": _("Say what the contribution was for.")},
    )
    given_on = _date(_("Given on"), required_message=_("Say when it was given."))
    agreement = forms.ChoiceField(label=_("Under the agreement"), required=False)
    book = forms.ChoiceField(
        label=_("Book the cash goes into"),
        required=False,
        help_text=_("Cash only: it is posted to this book as money from outside."),
    )
