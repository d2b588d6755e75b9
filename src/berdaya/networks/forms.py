from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Tie
from .services import STRATEGIES

STRATEGY_LABELS = {
    "degree": _("The most listened-to first"),
    "community": _("Spread over the communities"),
    "poor": _("Among the poor first"),
    "cadres": _("Today's cadres first"),
}


class TieForm(forms.Form):
    source = forms.IntegerField(label=_("Person"))
    target = forms.IntegerField(label=_("Listens to / is tied to"))
    kind = forms.ChoiceField(label=_("Kind of tie"), choices=Tie.Kind.choices)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class SimulationForm(forms.Form):
    strategy = forms.ChoiceField(
        label=_("Chosen how"), choices=[(name, STRATEGY_LABELS[name]) for name in STRATEGIES]
    )
    target = forms.IntegerField(label=_("Target (%)"), min_value=1, max_value=100, initial=50)
    runs = forms.IntegerField(label=_("Runs"), min_value=10, max_value=1000, initial=200)
