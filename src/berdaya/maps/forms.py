"""The one form of the maps: where a village is (parsed here, checked by `services`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.registry.forms import MarksInvalid


class VillageLocationForm(MarksInvalid, forms.Form):
    village = forms.ModelChoiceField(queryset=None, label=_("Village"), to_field_name="code")
    latitude = forms.FloatField(
        label=_("latitude"), required=False, min_value=-90, max_value=90, help_text="-8.0312"
    )
    longitude = forms.FloatField(
        label=_("longitude"), required=False, min_value=-180, max_value=180, help_text="110.4501"
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
