"""Forms of the registry pages: they parse input; the services decide and write.

A service that refuses raises `ValidationFailed` (or `InvalidRecords`, listing every
problem) with the field it is about; `show_error` puts the message next to that field,
and the form keeps what the user typed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from berdaya.core.errors import BerdayaError
from berdaya.core.validators import IntegerInput, bound_integer_fields

from . import choices
from .indicators import PovertyStatus
from .models import Consent, CustomQuestion, Household, HouseholdSurvey, Person
from .records import SURVEY_FIELDS
from .selectors import ALL_STATUSES, ENROLLED, NOT_ENROLLED, HouseholdFilters
from .services import InvalidRecords, MemberInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(label) -> list[tuple[str, str]]:
    return [("", label)]


class MarksInvalid:
    """Marks fields with errors (`aria-invalid`), which Pico styles and screen readers read.
    Every integer field is checked against its range (`core.validators`)."""

    def full_clean(self):
        bound_integer_fields(self)
        super().full_clean()

    def add_error(self, field, error):
        super().add_error(field, error)
        names = [field] if field else []
        if isinstance(error, dict):
            names = list(error)
        for name in names:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class BerdayaForm(MarksInvalid, forms.Form):
    pass


def show_error(form: forms.Form, error: BerdayaError) -> None:
    """Put a service's refusal next to the field it is about (or above the form)."""
    problems = (
        [(p.column, p.reason) for p in error.problems]
        if isinstance(error, InvalidRecords)
        else [(error.field or "", error.message)]
    )
    for field, message in problems:
        name = field.rsplit(".", 1)[-1] if field else None  # "members.0.nik" -> "nik"
        form.add_error(name if name in form.fields else None, message)


def _nullable_boolean(label) -> forms.NullBooleanField:
    return forms.NullBooleanField(label=label, required=False, widget=forms.NullBooleanSelect)


class HouseholdFilterForm(BerdayaForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Member's name, or a full NIK or KK")}
        ),
    )
    # The keyed hash of a NIK/KK searched for: the number itself never enters a URL.
    idx = forms.RegexField(regex=r"^[0-9a-f]{64}$", required=False, widget=forms.HiddenInput)
    village = forms.ChoiceField(label=_("Village"), required=False)
    dusun = forms.ChoiceField(label=_("Hamlet (dusun)"), required=False)
    rw = forms.CharField(label=_("RW"), required=False, max_length=3)
    rt = forms.CharField(label=_("RT"), required=False, max_length=3)
    poverty = forms.ChoiceField(
        label=_("Poverty status (MPI)"),
        required=False,
        choices=[*_blank(_("Any")), *PovertyStatus.choices],
    )
    scheme = forms.ChoiceField(label=_("Social protection"), required=False)
    enrolment = forms.ChoiceField(
        label=_("Enrolment"),
        required=False,
        choices=[*_blank(_("Any")), (ENROLLED, _("Enrolled")), (NOT_ENROLLED, _("Not enrolled"))],
    )
    status = forms.ChoiceField(
        label=_("Household status"),
        required=False,
        choices=[*Household.Status.choices, (ALL_STATUSES, _("All"))],
    )

    def __init__(self, data=None, *, villages, dusun_names, schemes, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["village"].choices = _blank(_("All my villages")) + [
            (v.code, v.name) for v in villages
        ]
        self.fields["dusun"].choices = _blank(_("All")) + [(d, d) for d in dusun_names]
        self.fields["scheme"].choices = _blank(_("Any scheme")) + [
            (s.code, s.name) for s in schemes
        ]

    def filters(
        self, *, organisation_id: int | None, default_village: str = ""
    ) -> HouseholdFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return HouseholdFilters(
            q=data.get("q", ""),
            village=data.get("village", "") if "village" in self.data else default_village,
            dusun=data.get("dusun", ""),
            rw=data.get("rw", ""),
            rt=data.get("rt", ""),
            poverty=data.get("poverty", ""),
            scheme=data.get("scheme", ""),
            enrolment=data.get("enrolment", ""),
            status=data.get("status") or Household.Status.ACTIVE,
            organisation_id=organisation_id,
            identifier_hash=data.get("idx", ""),
        )


class RevealForm(BerdayaForm):
    purpose = forms.CharField(
        label=_("Why do you need the full number?"),
        max_length=200,
        help_text=_("Recorded with your name (UU PDP). For example: verifying a PKH referral."),
    )


class MemberForm(BerdayaForm):
    ARRIVAL = [("born", _("Born into the household")), ("joined", _("Joined the household"))]

    arrival = forms.ChoiceField(label=_("How"), choices=ARRIVAL, initial="born")
    on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DATE,
        help_text=_("For a birth, the birth date is used when this is empty."),
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=_blank("—") + Person.Sex.choices)
    relation = forms.ChoiceField(
        label=_("Relation to head"), choices=_blank("—") + Person.Relation.choices
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    education = forms.ChoiceField(
        label=_("Highest education"),
        required=False,
        choices=_blank("—") + choices.Education.choices,
    )
    attending_school = _nullable_boolean(_("Attending school"))
    occupation = forms.ChoiceField(
        label=_("Main occupation"),
        required=False,
        choices=_blank("—") + choices.Occupation.choices,
    )
    marital_status = forms.ChoiceField(
        label=_("Marital status"),
        required=False,
        choices=_blank("—") + choices.Marital.choices,
    )
    disabilities = forms.MultipleChoiceField(
        label=_("Difficulties (Washington Group)"),
        required=False,
        choices=choices.Disability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    chronic_illness = _nullable_boolean(_("Chronic illness"))
    pregnant = _nullable_boolean(_("Pregnant"))
    undernourished = _nullable_boolean(_("Undernourished (posyandu: stunted or underweight)"))

    def member(self) -> MemberInput:
        data = self.cleaned_data
        return MemberInput(
            name=data["name"],
            sex=data["sex"],
            relation=data["relation"],
            birth_date=data["birth_date"],
            nik=data["nik"].strip(),
            marital_status=data["marital_status"],
            education=data["education"],
            attending_school=data["attending_school"],
            occupation=data["occupation"],
            disabilities=list(data["disabilities"]),
            chronic_illness=data["chronic_illness"],
            pregnant=data["pregnant"],
            undernourished=data["undernourished"],
        )


def _not_future(value: datetime.date | None) -> datetime.date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class LeaveForm(BerdayaForm):
    reason = forms.ChoiceField(
        label=_("What happened"),
        choices=[
            (Person.Status.DECEASED, _("Died")),
            (Person.Status.MOVED_OUT, _("Moved out")),
        ],
    )
    on = forms.DateField(label=_("Date"), widget=DATE)

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])


class MoveForm(BerdayaForm):
    on = forms.DateField(label=_("Moved on"), widget=DATE)
    village = forms.ChoiceField(label=_("Village"))
    dusun = forms.CharField(label=_("Hamlet (dusun)"), required=False, max_length=100)
    rw = forms.CharField(label=_("RW"), required=False, max_length=3)
    rt = forms.CharField(label=_("RT"), required=False, max_length=3)
    address = forms.CharField(label=_("Address"), required=False, max_length=255)

    def __init__(self, data=None, *, villages, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])


def _choice(label, choice_class) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False, choices=_blank("—") + choice_class.choices
    )


def _count(label, name: str, **kwargs) -> forms.IntegerField:
    """A whole number, 0 or more, that fits its HouseholdSurvey column."""
    return IntegerInput(
        label=label,
        required=False,
        min_value=0,
        column=HouseholdSurvey._meta.get_field(name),
        **kwargs,
    )


class SurveyForm(BerdayaForm):
    """The living-conditions part of the mapping questionnaire (same codes as the XLSForm)."""

    surveyed_on = forms.DateField(label=_("Surveyed on"), widget=DATE)
    floor = _choice(_("Floor"), choices.Floor)
    wall = _choice(_("Wall"), choices.Wall)
    roof = _choice(_("Roof"), choices.Roof)
    water = _choice(_("Drinking water"), choices.Water)
    water_minutes = _count(
        _("Minutes to fetch water (round trip)"), "water_minutes", max_value=1440
    )
    sanitation = _choice(_("Sanitation"), choices.Sanitation)
    electricity = _choice(_("Electricity"), choices.Electricity)
    cooking_fuel = _choice(_("Cooking fuel"), choices.CookingFuel)
    assets = forms.MultipleChoiceField(
        label=_("Assets"),
        required=False,
        choices=choices.Asset.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    land_m2 = _count(_("Land farmed (m²)"), "land_m2")
    cattle = _count(_("Cattle or buffalo"), "cattle", max_value=10000)
    goats = _count(_("Goats or sheep"), "goats", max_value=10000)
    poultry = _count(_("Poultry"), "poultry", max_value=100000)
    income_band = _choice(_("Household income"), choices.IncomeBand)
    expenditure_band = _choice(_("Household spending"), choices.IncomeBand)
    monthly_expenditure = _count(_("Monthly spending (Rp)"), "monthly_expenditure")
    has_savings = _nullable_boolean(_("Has savings"))
    has_debt = _nullable_boolean(_("Has debts"))
    child_deaths_5y = _count(
        _("Children who died in the last 5 years"), "child_deaths_5y", max_value=50
    )
    disasters = forms.MultipleChoiceField(
        label=_("Disasters experienced"),
        required=False,
        choices=choices.Disaster.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    ANSWERS = SURVEY_FIELDS

    def __init__(
        self, data=None, *, questions: Sequence[CustomQuestion] = (), rounds=None, **kwargs
    ):
        super().__init__(data, **kwargs)
        self.questions = list(questions)
        if rounds is not None and rounds.exists():
            # Chosen by the person recording it, never guessed from the date.
            self.fields["survey_round"] = forms.ModelChoiceField(
                label=_("Survey round"),
                queryset=rounds,
                required=False,
                empty_label=_("Not part of a survey round"),
                help_text=_("The programme's survey round this visit belongs to."),
            )
            order = ["surveyed_on", "survey_round"]
            self.order_fields(order + [n for n in self.fields if n not in order])
        english = (get_language() or "id").startswith("en")
        for question in self.questions:
            self.fields[_extra_field(question)] = _programme_field(question, english)

    @classmethod
    def initial_from(cls, survey, questions: Sequence[CustomQuestion] = ()) -> dict:
        initial = {"surveyed_on": timezone.localdate()}
        if survey is not None:
            initial.update({name: getattr(survey, name) for name in cls.ANSWERS})
            for question in questions:
                value = survey.extra.get(question.name)
                if isinstance(value, bool):
                    value = "1" if value else "0"
                initial[_extra_field(question)] = value
        return initial

    def answers(self) -> dict:
        data = self.cleaned_data
        answers = {name: data[name] for name in self.ANSWERS}
        answers["assets"] = list(answers["assets"])
        answers["disasters"] = list(answers["disasters"])
        return answers

    def programme_answers(self) -> dict:
        """The programme's own questions, stored as imports store them (JSON values)."""
        extra = {}
        for question in self.questions:
            value = self.cleaned_data.get(_extra_field(question))
            if value in (None, "", []):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = float(value)  # an answer to a programme's question, not money
            elif isinstance(value, list):
                value = list(value)
            extra[question.name] = value
        return extra


def _extra_field(question: CustomQuestion) -> str:
    return f"extra_{question.name}"


def _programme_field(question: CustomQuestion, english: bool) -> forms.Field:
    """A form field for a programme's own question, of the kind the XLSForm asks it."""
    kind = CustomQuestion.Kind
    common = {"label": question.label(english), "required": question.required}
    if question.kind == kind.INTEGER:
        return forms.IntegerField(**common)
    if question.kind == kind.DECIMAL:
        return forms.DecimalField(max_digits=18, decimal_places=6, **common)
    if question.kind == kind.DATE:
        return forms.DateField(widget=DATE, **common)
    if question.kind == kind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))],
            coerce=lambda value: value == "1",
            empty_value=None,
            **common,
        )
    options = list(question.choice_labels(english).items())
    if question.kind == kind.SELECT_ONE:
        return forms.ChoiceField(choices=_blank("—") + options, **common)
    if question.kind == kind.SELECT_MULTIPLE:
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=500, **common)


class SplitForm(BerdayaForm):
    members = forms.MultipleChoiceField(
        label=_("Members who form the new household"), widget=forms.CheckboxSelectMultiple
    )
    new_head = forms.ChoiceField(label=_("Head of the new household"))
    on = forms.DateField(label=_("Date"), widget=DATE)
    kk = forms.CharField(
        label=_("KK number of the new household"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, data=None, *, members, **kwargs):
        super().__init__(data, **kwargs)
        options = [(str(m.pk), m.name) for m in members if m.relation != Person.Relation.HEAD]
        self.fields["members"].choices = options
        self.fields["new_head"].choices = _blank("—") + options

    def clean(self):
        data = super().clean()
        if data.get("new_head") and data.get("new_head") not in data.get("members", []):
            self.add_error("new_head", _("The new head must be one of the members who leave."))
        return data


class MergeForm(BerdayaForm):
    target = forms.ChoiceField(label=_("Joins the household of"))
    on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, data=None, *, targets, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["target"].choices = _blank("—") + [
            (str(h.pk), f"{h} · RT {h.rt}/RW {h.rw}") for h in targets
        ]


class ConsentForm(BerdayaForm):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    given_by = forms.ChoiceField(label=_("Given by"))
    given_on = forms.DateField(label=_("Given on"), widget=DATE)

    def __init__(self, data=None, *, members, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["given_by"].choices = [(str(m.pk), m.name) for m in members]

    def clean_given_on(self):
        return _not_future(self.cleaned_data["given_on"])


class WithdrawForm(BerdayaForm):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE)

    def clean_withdrawn_on(self):
        return _not_future(self.cleaned_data["withdrawn_on"])


# -- data-subject requests ---------------------------------------------------------------------

CORRECTABLE_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "marital_status",
    "education",
    "attending_school",
    "occupation",
    "disabilities",
    "chronic_illness",
    "pregnant",
    "undernourished",
)


class CorrectForm(BerdayaForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    nik = forms.CharField(
        label=_("New NIK"),
        required=False,
        max_length=20,
        help_text=_("Leave empty to keep the NIK as it is."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    marital_status = MemberForm.base_fields["marital_status"]
    education = MemberForm.base_fields["education"]
    attending_school = _nullable_boolean(_("Attending school"))
    occupation = MemberForm.base_fields["occupation"]
    disabilities = MemberForm.base_fields["disabilities"]
    chronic_illness = _nullable_boolean(_("Chronic illness"))
    pregnant = _nullable_boolean(_("Pregnant"))
    undernourished = _nullable_boolean(_("Undernourished (posyandu: stunted or underweight)"))
    reason = forms.CharField(
        label=_("Why is it corrected?"),
        max_length=200,
        help_text=_("For example: the person asked, showing their KTP."),
    )

    @staticmethod
    def initial_from(person: Person) -> dict:
        # Never the NIK: the page would carry it in plain text.
        return {name: getattr(person, name) for name in CORRECTABLE_FIELDS}

    def changes(self) -> dict:
        data = self.cleaned_data
        changed = {name: data[name] for name in CORRECTABLE_FIELDS if name in self.changed_data}
        if "disabilities" in changed:
            changed["disabilities"] = sorted(changed["disabilities"])
        if data.get("nik", "").strip():
            changed["nik"] = data["nik"].strip()
        return changed


class EraseForm(BerdayaForm):
    reason = forms.CharField(
        label=_("Why is it erased?"),
        max_length=200,
        help_text=_("For example: the person withdrew consent and asked to be erased."),
    )
    confirm = forms.BooleanField(
        label=_("I understand: the name, NIK and exact birth date are removed for good."),
    )


class SubjectExportForm(BerdayaForm):
    confirm = forms.BooleanField(
        label=_("The person asked for their data, and I checked who they are."),
    )


class ExportForm(BerdayaForm):
    LEVELS = [("households", _("Households")), ("persons", _("Persons"))]
    FORMATS = [("csv", "CSV"), ("xlsx", "Excel (XLSX)")]

    level = forms.ChoiceField(label=_("One row per"), choices=LEVELS, widget=forms.RadioSelect)
    file_format = forms.ChoiceField(label=_("File"), choices=FORMATS, widget=forms.RadioSelect)
    identified = forms.BooleanField(
        label=_("With names and full NIK/KK (managers and administrators only)"), required=False
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=200,
        help_text=_("Required with names and NIK/KK; recorded with your name."),
    )

    def clean(self):
        data = super().clean()
        if data.get("identified") and len((data.get("purpose") or "").strip()) < 5:
            self.add_error("purpose", _("Say why you need names and NIK/KK."))
        return data


class CustomQuestionForm(BerdayaForm):
    """A programme's own question; the answers to choose from are typed one per line."""

    label_id = forms.CharField(label=_("Question in Indonesian"), max_length=255)
    label_en = forms.CharField(label=_("Question in English"), max_length=255, required=False)
    name = forms.CharField(
        label=_("Name in the form"),
        max_length=40,
        help_text=_("Small letters, digits and underscores, for example: jarak_ke_pasar."),
    )
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=CustomQuestion.Kind.choices)
    choices_text = forms.CharField(
        label=_("Answers to choose from"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Only for the two list kinds. One answer per line: code = label in Indonesian "
            "| label in English, for example: sawah = Sawah | Rice field."
        ),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def clean_name(self):
        return self.cleaned_data["name"].strip().lower()

    def parsed_choices(self) -> list[dict[str, str]]:
        """The typed lines as the service's choices; a line without "=" is its own code."""
        parsed = []
        for line in self.cleaned_data.get("choices_text", "").splitlines():
            if not line.strip():
                continue
            code, _sep, labels = line.partition("=")
            label_id, _sep, label_en = (labels or code).partition("|")
            parsed.append(
                {"code": code.strip(), "label_id": label_id.strip(), "label_en": label_en.strip()}
            )
        return parsed


class RemoveQuestionForm(BerdayaForm):
    question = forms.IntegerField(widget=forms.HiddenInput)


# -- registering a household on the phone ------------------------------------------------------


class MemberRowForm(MemberForm):
    """One member of a household being registered (a birth or arrival date is not asked)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["arrival"], self.fields["on"]


MemberFormSet = forms.formset_factory(MemberRowForm, extra=0, min_num=1, validate_min=True)


def _coordinate(label, low: int, high: int) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class RegisterHouseholdForm(BerdayaForm):
    """Where the household lives, its KK and what it receives; members and the survey are
    their own forms on the same page."""

    target = forms.ChoiceField(label=_("Village"))
    dusun = forms.CharField(
        label=_("Hamlet (dusun)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "dusun-names", "autocomplete": "off"}),
    )
    rw = forms.CharField(
        label=_("RW"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    rt = forms.CharField(
        label=_("RT"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=255)
    latitude = _coordinate(_("Latitude"), -90, 90)
    longitude = _coordinate(_("Longitude"), -180, 180)
    kk = forms.CharField(
        label=_("Family card number (KK)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    schemes = forms.MultipleChoiceField(
        label=_("Social protection the household receives"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_("The household agreed to be recorded for the programme's mapping."),
        required=False,
    )
    # Made on the phone when the form opens: sending it twice registers one household.
    submission = forms.RegexField(
        regex=r"^[0-9a-fA-F-]{8,64}$", required=False, widget=forms.HiddenInput
    )

    def __init__(self, data=None, *, targets, schemes, **kwargs):
        super().__init__(data, **kwargs)
        self.targets = {target_key(o, v): (o, v) for o, v in targets}
        several_organisations = len({o.pk for o, _v in targets}) > 1
        self.fields["target"].choices = [
            (key, f"{v.name} · {o.name}" if several_organisations else v.name)
            for key, (o, v) in self.targets.items()
        ]
        self.fields["schemes"].choices = [(s.code, s.name) for s in schemes]

    def chosen_target(self):
        """(organisation, village) chosen, from those the user may register in."""
        return self.targets[self.cleaned_data["target"]]


def target_key(organisation, village) -> str:
    return f"{organisation.pk}:{village.code}"


class AnalysisExportForm(BerdayaForm):
    """The analysis export of a village or programme (`exports.analysis_export`)."""

    FORMATS = [
        ("parquet", _("Parquet (for DuckDB, PostgreSQL, Spark)")),
        ("csv", "CSV"),
        ("xlsx", "Excel (XLSX)"),
    ]

    file_format = forms.ChoiceField(
        label=_("File"),
        choices=FORMATS,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose CSV, Excel (XLSX) or Parquet.")},
    )
    identified = forms.BooleanField(
        label=_("With names, KK, address and GPS (managers and administrators only)"),
        required=False,
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=200,
        help_text=_("Required with names and KK; recorded with your name."),
    )

    def __init__(self, *args, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rounds is not None and rounds.exists():
            # A programme's export: today's registry, or the table of one survey round.
            self.fields["survey_round"] = forms.ModelChoiceField(
                label=_("Survey round"),
                queryset=rounds,
                required=False,
                empty_label=_("Today's registry (each household's latest survey)"),
                help_text=_(
                    "A round's table: each household's survey of that round, the table "
                    "its poverty-over-time figures are computed from."
                ),
            )

    def clean(self):
        data = super().clean()
        if data.get("identified") and len((data.get("purpose") or "").strip()) < 5:
            self.add_error("purpose", _("Say why you need names and NIK/KK."))
        return data
