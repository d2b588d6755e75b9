"""Forms of the money pages. Amounts are typed as Indonesians write them (10.000)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berdaya.core.errors import ValidationFailed

from .models import Book, Constitution, Transaction

_DIGITS = re.compile(r"^\d{1,15}$")


def parse_rupiah(text: str, *, field: str, allow_zero: bool = True) -> int:
    """'10.000', '10000' or 'Rp 10.000' → 10000; decimals and letters are refused."""
    cleaned = (text or "").strip().lower().removeprefix("rp").strip().replace(".", "")
    cleaned = cleaned.replace(" ", "")
    if not cleaned:
        return 0
    if not _DIGITS.match(cleaned):
        raise ValidationFailed(
            _("Write amounts as whole Rupiah, for example 10.000 (no commas or cents)."),
            field=field,
        )
    value = int(cleaned)
    if not allow_zero and value == 0:
        raise ValidationFailed(_("Amounts must be more than Rp 0."), field=field)
    return value


class RupiahField(forms.CharField):
    def __init__(self, *, allow_zero: bool = True, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_rupiah(value, field=self.label or "", allow_zero=self.allow_zero)
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from error


class ConstitutionForm(forms.Form):
    started_on = forms.DateField(
        label=gettext_lazy("First meeting of the cycle"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    share_price = RupiahField(label=gettext_lazy("Share price (Rp)"), allow_zero=False)
    max_shares = forms.IntegerField(
        label=gettext_lazy("Most shares a member buys at a meeting"),
        min_value=1,
        max_value=5,
        initial=5,
    )
    social_fund_amount = RupiahField(
        label=gettext_lazy("Social fund per member per meeting (Rp)"), required=False
    )
    social_fund_purposes = forms.CharField(
        label=gettext_lazy("What the social fund may pay for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    loan_multiple = forms.IntegerField(
        label=gettext_lazy("Loan limit: times the member's savings"),
        min_value=1,
        max_value=10,
        initial=3,
    )
    max_term_months = forms.IntegerField(
        label=gettext_lazy("Longest loan term (months)"), min_value=1, max_value=12, initial=3
    )
    charge_method = forms.ChoiceField(
        label=gettext_lazy("Service charge"), choices=Constitution.Charge.choices
    )
    monthly_rate = forms.DecimalField(
        label=gettext_lazy("Service charge per month (%)"),
        min_value=0,
        max_value=10,
        decimal_places=2,
        initial="2",
    )
    guarantors_required = forms.IntegerField(
        label=gettext_lazy("Guarantors per loan"), min_value=0, max_value=5, initial=0
    )
    joint_liability = forms.BooleanField(
        label=gettext_lazy("Joint liability (tanggung renteng)"), required=False
    )
    fine_absence = RupiahField(label=gettext_lazy("Fine for absence (Rp)"), required=False)
    fine_late = RupiahField(label=gettext_lazy("Fine for lateness (Rp)"), required=False)
    cycle_months = forms.IntegerField(
        label=gettext_lazy("Cycle length (months, 8 to 12)"), min_value=8, max_value=12, initial=12
    )
    social_fund_shared_out = forms.BooleanField(
        label=gettext_lazy("Share out the social fund too"), required=False
    )
    loans_may_carry = forms.BooleanField(
        label=gettext_lazy("Net loans still owed from the payout at share-out"), required=False
    )
    residue_rule = forms.ChoiceField(
        label=gettext_lazy("Leftover rupiah at share-out"), choices=Constitution.Residue.choices
    )
    reason = forms.CharField(
        label=gettext_lazy("Why the rules change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def rules(self):
        from .services import Rules

        data = self.cleaned_data
        return Rules(
            share_price=data["share_price"],
            max_shares=data["max_shares"],
            social_fund_amount=data["social_fund_amount"] or 0,
            social_fund_purposes=data["social_fund_purposes"],
            loan_multiple=data["loan_multiple"],
            max_term_months=data["max_term_months"],
            charge_method=data["charge_method"],
            monthly_rate_bp=int(data["monthly_rate"] * 100),
            guarantors_required=data["guarantors_required"],
            joint_liability=data["joint_liability"],
            fine_absence=data["fine_absence"] or 0,
            fine_late=data["fine_late"] or 0,
            cycle_months=data["cycle_months"],
            social_fund_shared_out=data["social_fund_shared_out"],
            loans_may_carry=data["loans_may_carry"],
            residue_rule=data["residue_rule"],
        )


class CloseForm(forms.Form):
    counted_cash = RupiahField(label=gettext_lazy("Cash counted in the box (Rp)"))


class ReverseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is it reversed?"), max_length=300)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class WriteOffForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is it written off?"), max_length=300)
    on = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class RescheduleForm(forms.Form):
    term_months = forms.IntegerField(
        label=gettext_lazy("New term (months)"), min_value=1, max_value=24
    )
    on = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=gettext_lazy("Why is it rescheduled?"), max_length=300)


class ShareOutForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("Share-out day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class FundForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the fund"), max_length=200)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=Book.Purpose.choices)
    managed_by = forms.CharField(label=gettext_lazy("Managed by"), max_length=200)


class InflowForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    origin = forms.ChoiceField(label=gettext_lazy("Source"), choices=Transaction.Origin.choices)
    stakeholder = forms.TypedChoiceField(
        label=gettext_lazy("Giver (for money from outside)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    aid = forms.ChoiceField(
        label=gettext_lazy("Kind of help (for money from outside)"),
        choices=[("", "—"), *Transaction.Aid.choices],
        required=False,
    )
    amount = RupiahField(label=gettext_lazy("Amount or value (Rp)"), allow_zero=False)
    item = forms.CharField(
        label=gettext_lazy("Goods in kind: item (empty for money)"), max_length=120, required=False
    )
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, required=False)
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=20, required=False)
    memo = forms.CharField(label=gettext_lazy("From whom, what for"), max_length=300)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, stakeholders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].choices = [("", "—")] + [(s.pk, s.name) for s in stakeholders]


class KubeEntryForm(forms.Form):
    KINDS = [
        ("sale", gettext_lazy("Sale")),
        ("purchase", gettext_lazy("Purchase of stock")),
        ("expense", gettext_lazy("Expense")),
        ("capital", gettext_lazy("Capital paid in")),
    ]
    kind = forms.ChoiceField(label=gettext_lazy("What happened"), choices=KINDS)
    on = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    amount = RupiahField(label=gettext_lazy("Amount (Rp)"), allow_zero=False)
    item = forms.CharField(
        label=gettext_lazy("Item (sales and purchases)"), max_length=120, required=False
    )
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, required=False)
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=20, required=False)
    origin = forms.ChoiceField(
        label=gettext_lazy("Source of capital"), choices=Transaction.Origin.choices, required=False
    )
    stakeholder = forms.TypedChoiceField(
        label=gettext_lazy("Giver or lender (capital from outside)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    as_loan = forms.BooleanField(label=gettext_lazy("The capital is a loan"), required=False)
    memo = forms.CharField(label=gettext_lazy("Note"), max_length=300)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, stakeholders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].choices = [("", "—")] + [(s.pk, s.name) for s in stakeholders]


class AllocationForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reserve_percent = forms.IntegerField(
        label=gettext_lazy("Reserve (%)"), min_value=0, max_value=100, initial=40
    )
    members_percent = forms.IntegerField(
        label=gettext_lazy("Members (%)"), min_value=0, max_value=100, initial=50
    )
    social_percent = forms.IntegerField(
        label=gettext_lazy("Social fund (%)"), min_value=0, max_value=100, initial=10
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)
