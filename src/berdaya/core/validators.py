"""One check for every whole number a person or a file gives Berdaya: is it in its column's range?

SQLite stores integers of up to 64 bits and raises `OverflowError` (a 500) for larger
ones; PostgreSQL's `integer` holds 32 bits. A number is therefore checked, before it
reaches the database, against the range its column holds on *every* database Berdaya
runs on (Django's portable ranges: `PositiveIntegerField` 0…2,147,483,647,
`BigIntegerField` ±9,223,372,036,854,775,807, …), narrowed by the field's own
`MinValueValidator`/`MaxValueValidator` and by what the form or import allows.

* `column_range(model, "land_m2")` — the range of a column;
* `check_integer(value, minimum=…, maximum=…)` — the number, or `IntegerOutOfRange`
  (a `ValidationFailed` with a clear Indonesian message) — for services, imports, the API;
* `IntegerInput` — a form field that checks the same way (`column=` a model field);
* `bound_integer_fields(form)` — gives every integer field of a form that range check
  (the forms' base classes call it, so no integer input is ever unbounded).
"""

from __future__ import annotations

from django import forms
from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ValidationFailed

__all__ = [
    "INTEGER_RANGE",
    "IntegerInput",
    "IntegerOutOfRange",
    "bound_integer_fields",
    "check_integer",
    "column_range",
    "range_message",
]

# What a 64-bit signed integer column holds: the widest any Berdaya column is.
INTEGER_RANGE = BaseDatabaseOperations.integer_field_ranges["BigIntegerField"]
_PORTABLE = BaseDatabaseOperations.integer_field_ranges


class IntegerOutOfRange(ValidationFailed):
    """A whole number outside what its column (or its question) allows."""


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")  # Indonesian thousands separator


def range_message(minimum: int, maximum: int) -> str:
    return _("Enter a whole number from %(min)s to %(max)s.") % {
        "min": _number(minimum),
        "max": _number(maximum),
    }


def column_range(model_or_field, name: str | None = None) -> tuple[int, int]:
    """(lowest, highest) whole number the column holds on SQLite and PostgreSQL alike."""
    field = model_or_field._meta.get_field(name) if name else model_or_field
    internal = field.get_internal_type()
    if isinstance(field, models.AutoField | models.ForeignKey):
        internal = "BigIntegerField"  # ids: BigAutoField everywhere
    low, high = _PORTABLE.get(internal, INTEGER_RANGE)
    if internal in {"AutoField", "BigAutoField", "SmallAutoField"}:
        low = 1
    for validator in field.validators:
        if isinstance(validator, django_validators.MinValueValidator):
            low = max(low, validator.limit_value)
        elif isinstance(validator, django_validators.MaxValueValidator):
            high = min(high, validator.limit_value)
    return low, high


def _narrow(
    minimum: int | None, maximum: int | None, column: tuple[int, int] | None
) -> tuple[int, int]:
    low, high = column or INTEGER_RANGE
    if minimum is not None:
        low = max(low, minimum)
    if maximum is not None:
        high = min(high, maximum)
    return low, high


def check_integer(
    value: int | None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    column: tuple[int, int] | None = None,
    field: str | None = None,
) -> int | None:
    """`value` if it is a whole number within range (None stays None); otherwise
    `IntegerOutOfRange` naming the range."""
    if value is None:
        return None
    low, high = _narrow(minimum, maximum, column)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise IntegerOutOfRange(range_message(low, high), field=field)
    return value


class _RangeValidator:
    """A Django validator with the one message (Django's says only one side of it)."""

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def __call__(self, value):
        if value is not None and not self.low <= value <= self.high:
            raise ValidationError(range_message(self.low, self.high), code="out_of_range")

    def __eq__(self, other):
        return isinstance(other, _RangeValidator) and (other.low, other.high) == (
            self.low,
            self.high,
        )

    def deconstruct(self):
        return ("berdaya.core.validators._RangeValidator", (self.low, self.high), {})


def _bound(field: forms.IntegerField, column: tuple[int, int] | None = None) -> None:
    low, high = _narrow(field.min_value, field.max_value, column)
    field.validators = [
        v
        for v in field.validators
        if not isinstance(
            v,
            django_validators.MinValueValidator
            | django_validators.MaxValueValidator
            | _RangeValidator,
        )
    ] + [_RangeValidator(low, high)]
    field.min_value, field.max_value = low, high
    field.widget.attrs.setdefault("min", low)
    field.widget.attrs.setdefault("max", high)
    field.error_messages.setdefault("invalid", gettext_lazy("Enter a whole number."))


class IntegerInput(forms.IntegerField):
    """A whole number in its column's range (and within `min_value`/`max_value`)."""

    def __init__(self, *, column: models.Field | None = None, **kwargs):
        super().__init__(**kwargs)
        _bound(self, column_range(column) if column is not None else None)


def _is_integer(field) -> bool:
    # Django's FloatField and DecimalField are subclasses of IntegerField.
    return isinstance(field, forms.IntegerField) and not isinstance(
        field, forms.FloatField | forms.DecimalField
    )


def bound_integer_fields(form: forms.BaseForm) -> None:
    """Give every integer field of `form` the range check (its own limits kept); fields of
    a ModelForm get their model column's range."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    for name, field in form.fields.items():
        if _is_integer(field) and not isinstance(field, IntegerInput):
            column = None
            if model is not None:
                try:
                    column = column_range(model, name)
                except Exception:  # a form field that is not a column of the model
                    column = None
            _bound(field, column)
