"""Forms of the community profile: they parse input; `services` validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.registry.forms import DATE, MarksInvalid

from .models import CapitalItem, Institution, PastProgramme


class _ModelForm(MarksInvalid, forms.ModelForm):
    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InstitutionForm(_ModelForm):
    class Meta:
        model = Institution
        fields = [
            "kind",
            "name",
            "description",
            "members",
            "since_year",
            "meets",
            "active",
            "strength",
            "latitude",
            "longitude",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PastProgrammeForm(_ModelForm):
    class Meta:
        model = PastProgramme
        fields = [
            "name",
            "run_by",
            "approach",
            "start_year",
            "end_year",
            "experience",
            "what_people_said",
            "continued",
            "lessons",
        ]
        widgets = {
            "what_people_said": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
            "continued": forms.NullBooleanSelect,
        }


class CapitalItemForm(_ModelForm):
    class Meta:
        model = CapitalItem
        fields = [
            "capital",
            "description",
            "strength",
            "source",
            "recorded_on",
            "latitude",
            "longitude",
        ]
        widgets = {"recorded_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("recorded_on", timezone.localdate())


class PovertyLineForm(MarksInvalid, forms.Form):
    """Parses a manager's poverty line; `services.poverty_line_set` checks its range and
    source (one place for the rule, with the messages people read)."""

    area_code = forms.ChoiceField(label=_("Province or regency"))
    year = forms.IntegerField(label=_("Year"))
    amount = forms.IntegerField(
        label=_("Poverty line (Rp per person per month)"),
        help_text=_("As BPS publishes it, e.g. 507001 for Jawa Tengah in March 2024."),
    )
    # Not required here: the service says what a source is when it is missing.
    source = forms.CharField(
        label=_("Source"),
        max_length=255,
        required=False,
        help_text=_("Where the figure comes from: the BPS release, its period and page."),
    )

    def __init__(self, *args, areas: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = list(areas.items())
