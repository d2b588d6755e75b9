from django import forms


class PublishForm(forms.Form):
    # Ticked: publish; not ticked: withdraw (the button says which).
    enabled = forms.BooleanField(required=False, widget=forms.HiddenInput)
