from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.validators import IntegerInput

from .models import ServerConnection


class ConnectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Server"), choices=ServerConnection.Kind.choices, widget=forms.RadioSelect
    )
    village = forms.ChoiceField(label=_("Village the submissions fill"))
    server_url = forms.CharField(
        label=_("Server address"),
        max_length=300,
        help_text=_("For example https://kf.kobotoolbox.org or https://central.example.org."),
    )
    asset_uid = forms.CharField(
        label=_("KoboToolbox asset uid"),
        max_length=64,
        required=False,
        help_text=_("In the project's address: …/#/forms/<uid>/summary."),
    )
    project_id = IntegerInput(
        label=_("ODK Central project number"),
        required=False,
        min_value=1,
        column=ServerConnection._meta.get_field("project_id"),
    )
    form_id = forms.CharField(label=_("ODK Central form id"), max_length=100, required=False)
    username = forms.CharField(
        label=_("ODK Central user (email)"),
        max_length=254,
        required=False,
        help_text=_("A web user with the Project Viewer role: App Users cannot read submissions."),
    )
    secret = forms.CharField(
        label=_("API token (KoboToolbox) or password (ODK Central)"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    include_rejected = forms.BooleanField(
        label=_("Also import submissions a reviewer refused"), required=False
    )
    every_hours = forms.TypedChoiceField(
        label=_("Pull"), choices=ServerConnection.Every.choices, coerce=int, initial=0
    )

    def __init__(self, *args, villages=(), saved_secret=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, f"{v.name} ({v.code})") for v in villages]
        if saved_secret:
            self.fields["secret"].help_text = _(
                "Saved, and never shown again. Leave empty to keep it; type a new one to "
                "replace it."
            )


class ConfirmForm(forms.Form):
    """The buttons "Pull now" and "Delete": an empty post is not a press."""

    confirm = forms.BooleanField(widget=forms.HiddenInput)
