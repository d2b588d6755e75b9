"""Households and persons: the mapping registry (first P of the 5P cycle).

NIK and KK are encrypted at rest with a keyed hash beside them (see
berdaya.core.crypto). Nothing is silently overwritten: living conditions are
kept per survey (`HouseholdSurvey`), and births, deaths, moves, splits, merges,
corrections and erasures are `RegistryEvent`s; field changes are in the audit trail.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope
from berdaya.core.crypto import mask
from berdaya.core.fields import EncryptedIdentifierField

from . import choices


class Household(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MOVED_AWAY = "moved_away", _("Moved out of the village")
        SPLIT = "split", _("Split into new households")
        MERGED = "merged", _("Merged into another household")
        DISSOLVED = "dissolved", _("Dissolved")

    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="households"
    )
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="households")
    kk = EncryptedIdentifierField(_("family card number (KK)"), blank=True)
    kk_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    dusun = models.CharField(_("hamlet (dusun)"), max_length=100, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    latest_survey = models.OneToOneField(
        "HouseholdSurvey", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The import that wrote this row (bulk writes bypass django-auditlog: this is their
    # audit trail; the audit page lists an import's rows by it).
    import_job = models.ForeignKey(
        "ImportJob", models.SET_NULL, null=True, blank=True, related_name="+", db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["village_id", "dusun", "rw", "rt", "pk"]
        indexes = [
            models.Index(fields=["organisation", "village", "status"]),
            # The household list: its filters and its order, read without a sort.
            models.Index(
                fields=["organisation", "status", "village", "dusun", "rw", "rt", "id"],
                name="household_list_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="household_latitude_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="household_longitude_valid",
            ),
        ]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        head = self.head
        return str(head.name) if head else _("Household %(pk)s") % {"pk": self.pk}

    def get_additional_data(self) -> dict:
        # Lets the audit trail be read per organisation (berdaya.core.audit).
        return {"organisation": self.organisation_id}

    @property
    def head(self):
        return next((p for p in self.members.all() if p.relation == Person.Relation.HEAD), None)

    @property
    def kk_masked(self) -> str:
        return mask(self.kk)


class Person(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Lives in the household")
        DECEASED = "deceased", _("Deceased")
        MOVED_OUT = "moved_out", _("Moved out")

    class Sex(models.TextChoices):
        MALE = "L", _("Male")
        FEMALE = "P", _("Female")

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        CHILD_IN_LAW = "child_in_law", _("Child-in-law")
        GRANDCHILD = "grandchild", _("Grandchild")
        PARENT = "parent", _("Parent / parent-in-law")
        OTHER_RELATIVE = "other_relative", _("Other relative")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, models.PROTECT, related_name="members")
    # Denormalised from the household so uniqueness and access need no join.
    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="persons"
    )
    nik = EncryptedIdentifierField(_("NIK"), blank=True)
    nik_hash = models.CharField(max_length=64, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    relation = models.CharField(_("relation to head"), max_length=20, choices=Relation.choices)
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=choices.Marital.choices, blank=True
    )
    education = models.CharField(
        _("highest education"), max_length=14, choices=choices.Education.choices, blank=True
    )
    attending_school = models.BooleanField(_("attending school"), null=True, blank=True)
    occupation = models.CharField(
        _("main occupation"), max_length=14, choices=choices.Occupation.choices, blank=True
    )
    disabilities = models.JSONField(_("difficulties (Washington Group)"), default=list, blank=True)
    chronic_illness = models.BooleanField(_("chronic illness"), null=True, blank=True)
    pregnant = models.BooleanField(_("pregnant"), null=True, blank=True)
    undernourished = models.BooleanField(
        _("undernourished (stunted/underweight per posyandu, or very thin)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PRESENT
    )
    left_on = models.DateField(_("died or left on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # The import that wrote this row (bulk writes bypass django-auditlog: this is their
    # audit trail; the audit page lists an import's rows by it).
    import_job = models.ForeignKey(
        "ImportJob", models.SET_NULL, null=True, blank=True, related_name="+", db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access_scope = Scope(organisation="organisation_id", village="household__village_id")

    class Meta:
        ordering = ["household_id", "pk"]
        indexes = [
            # A NIK searched for, by its keyed hash, in any of the user's organisations.
            models.Index(
                fields=["nik_hash"], name="person_nik_hash", condition=~models.Q(nik_hash="")
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sex__in=["L", "P"]), name="person_sex_valid"),
            # One person is registered once per organisation (by the hash of the NIK).
            models.UniqueConstraint(
                fields=["organisation", "nik_hash"],
                condition=~models.Q(nik_hash=""),
                name="person_nik_unique",
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        # Lets the audit trail be read per organisation (berdaya.core.audit).
        return {"organisation": self.organisation_id}

    @property
    def nik_masked(self) -> str:
        return mask(self.nik)


class HouseholdSurvey(models.Model):
    """A household's living conditions as surveyed on one day; earlier surveys are kept."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="surveys")
    surveyed_on = models.DateField(_("surveyed on"))
    surveyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who collected it as the collecting server named them (KoboToolbox `_submitted_by`,
    # ODK Central `SubmitterName`): kept as text even when no user has that name.
    enumerator = models.CharField(_("enumerator"), max_length=150, blank=True)
    floor = models.CharField(_("floor"), max_length=12, choices=choices.Floor.choices, blank=True)
    wall = models.CharField(_("wall"), max_length=12, choices=choices.Wall.choices, blank=True)
    roof = models.CharField(_("roof"), max_length=12, choices=choices.Roof.choices, blank=True)
    water = models.CharField(
        _("drinking water"), max_length=20, choices=choices.Water.choices, blank=True
    )
    water_minutes = models.PositiveSmallIntegerField(
        _("minutes to fetch water (round trip)"), null=True, blank=True
    )
    sanitation = models.CharField(
        _("sanitation"), max_length=10, choices=choices.Sanitation.choices, blank=True
    )
    electricity = models.CharField(
        _("electricity"), max_length=12, choices=choices.Electricity.choices, blank=True
    )
    cooking_fuel = models.CharField(
        _("cooking fuel"), max_length=12, choices=choices.CookingFuel.choices, blank=True
    )
    assets = models.JSONField(_("assets"), default=list, blank=True)
    land_m2 = models.PositiveIntegerField(_("land farmed (m²)"), null=True, blank=True)
    cattle = models.PositiveSmallIntegerField(_("cattle or buffalo"), null=True, blank=True)
    goats = models.PositiveSmallIntegerField(_("goats or sheep"), null=True, blank=True)
    poultry = models.PositiveSmallIntegerField(_("poultry"), null=True, blank=True)
    income_band = models.CharField(
        _("household income"), max_length=6, choices=choices.IncomeBand.choices, blank=True
    )
    expenditure_band = models.CharField(
        _("household spending"), max_length=6, choices=choices.IncomeBand.choices, blank=True
    )
    # Whole Rupiah: money is never a float.
    monthly_expenditure = models.BigIntegerField(_("monthly spending (Rp)"), null=True, blank=True)
    has_savings = models.BooleanField(_("has savings"), null=True, blank=True)
    has_debt = models.BooleanField(_("has debts"), null=True, blank=True)
    child_deaths_5y = models.PositiveSmallIntegerField(
        _("children who died in the last 5 years"), null=True, blank=True
    )
    disasters = models.JSONField(_("disasters experienced"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Answers to the programme's own questions (CustomQuestion.name -> value).
    extra = models.JSONField(_("programme questions"), default=dict, blank=True)
    # The programme's survey round this survey belongs to: chosen when it is recorded or
    # imported, never guessed from its date (poverty over time is computed per round).
    round = models.ForeignKey(
        "programmes.SurveyRound",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("survey round"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="household__organisation_id", village="household__village_id")

    class Meta:
        ordering = ["household_id", "-surveyed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_expenditure__isnull=True)
                | models.Q(monthly_expenditure__gte=0),
                name="survey_expenditure_not_negative",
            ),
        ]
        verbose_name = _("household survey")
        verbose_name_plural = _("household surveys")

    def __str__(self) -> str:
        return f"{self.household_id} @ {self.surveyed_on}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.household.organisation_id}


class CustomQuestion(models.Model):
    """A programme's own question, appended to Berdaya's XLSForm in a group of its own.

    Answers arrive with imports and are kept in `HouseholdSurvey.extra` by `name`.
    """

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Number")
        DATE = "date", _("Date")
        YES_NO = "yes_no", _("Yes or no")
        SELECT_ONE = "select_one", _("One answer from a list")
        SELECT_MULTIPLE = "select_multiple", _("Several answers from a list")

    programme = models.ForeignKey(
        "programmes.Programme", models.CASCADE, related_name="custom_questions"
    )
    # The XLSForm name: letters, digits and underscores, starting with a letter.
    name = models.SlugField(_("name in the form"), max_length=40)
    kind = models.CharField(_("kind of answer"), max_length=16, choices=Kind.choices)
    label_id = models.CharField(_("question in Indonesian"), max_length=255)
    label_en = models.CharField(_("question in English"), max_length=255, blank=True)
    # [{"code": "...", "label_id": "...", "label_en": "..."}] for the two select kinds.
    choices = models.JSONField(_("answers to choose from"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    access_scope = Scope(
        organisation="programme__organisation_id",
        village="programme__villages",
        personal=False,
        many=True,
    )

    class Meta:
        ordering = ["programme_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="custom_question_name_unique"
            ),
        ]
        verbose_name = _("programme question")
        verbose_name_plural = _("programme questions")

    def __str__(self) -> str:
        return self.name

    def label(self, english: bool = False) -> str:
        return (self.label_en or self.label_id) if english else self.label_id

    def choice_labels(self, english: bool = False) -> dict[str, str]:
        """Answer code -> label, for the two select kinds."""
        return {
            str(c["code"]): (c.get("label_en") or c["label_id"]) if english else c["label_id"]
            for c in self.choices
        }

    def get_additional_data(self) -> dict:
        return {"organisation": self.programme.organisation_id}


class SocialProtectionScheme(models.Model):
    """PKH, PIP, KIS/JKN-PBI, BPNT/Sembako, BLT Dana Desa, and others an organisation adds."""

    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    # Empty for the national schemes everyone sees; set for an organisation's own.
    organisation = models.ForeignKey(
        "organisations.Organisation", models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(organisation__isnull=True),
                name="scheme_code_unique_national",
            ),
            models.UniqueConstraint(
                fields=["organisation", "code"], name="scheme_code_unique_per_organisation"
            ),
        ]
        verbose_name = _("social protection scheme")
        verbose_name_plural = _("social protection schemes")

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A household (or one member) receives a social-protection scheme."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(
        Person, models.CASCADE, null=True, blank=True, related_name="enrolments"
    )
    scheme = models.ForeignKey(SocialProtectionScheme, models.PROTECT, related_name="enrolments")
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    recorded_on = models.DateField(_("recorded on"))

    access_scope = Scope(organisation="household__organisation_id", village="household__village_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "scheme"],
                condition=models.Q(until__isnull=True),
                name="enrolment_one_open_per_scheme",
            ),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.household_id} · {self.scheme}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.household.organisation_id}


class Consent(models.Model):
    """Who agreed, when, to what purpose (UU PDP No. 27/2022 art. 20-22)."""

    class Purpose(models.TextChoices):
        MAPPING = "mapping", _("Social mapping and programme planning")
        SOCIAL_PROTECTION = "social_protection", _("Referral to social protection")
        RESEARCH = "research", _("De-identified research and reporting")

    household = models.ForeignKey(Household, models.CASCADE, related_name="consents")
    given_by = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="consents_given"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    access_scope = Scope(organisation="household__organisation_id", village="household__village_id")

    class Meta:
        ordering = ["household_id", "-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.household_id} · {self.get_purpose_display()}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.household.organisation_id}


class RegistryEvent(models.Model):
    """Something that happened to a household or person: the registry's history."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        SURVEYED = "surveyed", _("Surveyed")
        BORN = "born", _("Born")
        JOINED = "joined", _("Joined the household")
        DIED = "died", _("Died")
        MOVED_OUT = "moved_out", _("Moved out")
        HOUSEHOLD_MOVED = "household_moved", _("Household moved")
        SPLIT = "split", _("Household split")
        MERGED = "merged", _("Households merged")
        CORRECTED = "corrected", _("Data corrected")
        ANONYMISED = "anonymised", _("Personal data erased")
        IMPORTED = "imported", _("Imported")

    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    household = models.ForeignKey(Household, models.CASCADE, related_name="events")
    person = models.ForeignKey(Person, models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(_("what happened"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    # Never NIK/KK here: field names and non-identifying values only.
    details = models.JSONField(_("details"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="organisation_id", village="household__village_id")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["household", "occurred_on"])]
        verbose_name = _("registry event")
        verbose_name_plural = _("registry events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_on}"


class Submission(models.Model):
    """A form submission (KoboToolbox/ODK/template row) already imported: re-imports skip it."""

    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    uuid = models.CharField(max_length=100)
    household = models.ForeignKey(Household, models.CASCADE, related_name="submissions")
    submitted_at = models.DateTimeField(null=True, blank=True)
    import_job = models.ForeignKey(
        "ImportJob", models.SET_NULL, null=True, blank=True, related_name="submissions"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "uuid"], name="submission_unique"),
        ]

    def __str__(self) -> str:
        return self.uuid


class ImportJob(models.Model):
    """One uploaded file on its way into the registry (all or nothing)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to start")
        # The file is not Berdaya's own form: someone matches its columns first.
        NEEDS_MAPPING = "mapping", _("Waiting for the columns to be matched")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Not imported: see the report")
        DONE = "done", _("Imported")

    class Source(models.TextChoices):
        KOBO = "kobo", _("KoboToolbox export (XLSX)")
        ODK = "odk", _("ODK Central export (CSV zip)")
        TEMPLATE = "template", _("Berdaya template (CSV or XLSX)")

    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    # An import fills one village (rows for another village are refused), or, for a
    # programme with no village chosen, each household's own village of the programme,
    # read from the file: every such village must be one the uploader may write, so an
    # upload can never write outside the uploader's access.
    village = models.ForeignKey(
        "areas.Village", models.PROTECT, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        "programmes.Programme", models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The villages the job may write (its village, or the programme's villages the uploader
    # may import into), narrowed to those it wrote when it is done. Only those who may see
    # personal data in every one of them see the job (views_imports.import_jobs_visible_to).
    villages = models.ManyToManyField("areas.Village", related_name="+")
    # {village code: {"households": n, "persons": m}} of what a done job wrote.
    village_counts = models.JSONField(default=dict, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    filename = models.CharField(_("file"), max_length=255)
    # The upload is kept encrypted (it holds NIKs) and deleted when the job ends.
    stored_file = models.CharField(max_length=255, blank=True)
    column_map = models.JSONField(default=dict, blank=True)
    # Submissions a reviewer refused (Kobo "Not Approved", Central "rejected") are left out
    # unless the person importing asks for them.
    include_rejected = models.BooleanField(default=False)
    # The file's sheets and columns, kept while the columns wait to be matched.
    file_columns = models.JSONField(default=dict, blank=True)
    # The survey round the imported surveys belong to (chosen by the person importing).
    round = models.ForeignKey(
        "programmes.SurveyRound", models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    households_created = models.PositiveIntegerField(default=0)
    persons_created = models.PositiveIntegerField(default=0)
    duplicates_skipped = models.PositiveIntegerField(default=0)
    # [{"row": 1500, "sheet": "...", "column": "nik", "value": "3201**...", "reason": "..."}]
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker last claimed it, and how many times: a job left running by a worker
    # that died is returned to the queue once its lease is over, then failed with a reason.
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    access_scope = Scope(organisation="organisation_id", village="villages", many=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="import_progress_percent"
            ),
            models.CheckConstraint(
                condition=models.Q(village__isnull=False) | models.Q(programme__isnull=False),
                name="import_village_or_programme",
            ),
        ]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.filename

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


# -- stored figures (registry.figures keeps them current; never written anywhere else) ---------


class HouseholdFigures(models.Model):
    """What pages show about one household, computed by `registry.figures` from
    `berdaya.analysis` whenever the household, its members, survey or enrolments change.

    Derived data: `berdaya refresh-figures` rebuilds every row from the registry. Read only
    through a visible `Household` (the access rule is the household's), so no scope of its own.
    """

    household = models.OneToOneField(
        Household, models.CASCADE, primary_key=True, related_name="figures"
    )
    # The village the figures were counted in (the previous one is updated after a move).
    village_code = models.CharField(max_length=13)
    organisation_id = models.BigIntegerField()
    members = models.PositiveIntegerField(default=0)  # present members
    head_name = models.CharField(max_length=150, blank=True)
    poverty_status = models.CharField(max_length=10, default="unknown")
    poverty_score = models.FloatField(null=True, blank=True)
    # Space-separated names of the MPI indicators the household is deprived in.
    deprived = models.CharField(max_length=255, blank=True)
    computed_on = models.DateField()  # ages are counted on this day
    # The latest survey's monthly spending (whole Rupiah): a programme's income poverty and
    # inequality are computed over all its villages' households from these rows.
    monthly_expenditure = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["village_code", "poverty_status"])]
        verbose_name = _("household figures")
        verbose_name_plural = _("household figures")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.poverty_status}"


class VillageRegistryFigures(models.Model):
    """One organisation's registry figures for one village (the village profile, the
    dashboard, critical mass, participation): computed by `registry.figures` from
    `berdaya.analysis` after a change, by a background job for large villages, and all
    at once by `berdaya refresh-figures`. Pages show `computed_at`."""

    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    village = models.ForeignKey("areas.Village", models.CASCADE, related_name="+")
    # Counted with one indexed read by the dashboard (active households, present persons).
    households = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    women = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)
    elderly = models.PositiveIntegerField(default=0)
    adults = models.PositiveIntegerField(default=0)
    # Everything else the profile shows, by code (labels are translated when shown).
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    computed_on = models.DateField(null=True, blank=True)
    # True from a change in the registry until the figures are computed again.
    stale = models.BooleanField(default=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "village"], name="village_figures_unique"
            ),
        ]
        verbose_name = _("village registry figures")
        verbose_name_plural = _("village registry figures")

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.village_id}"


class DuplicateNikSignal(models.Model):
    """Someone entered a NIK the organisation has already registered in another household.

    The person who typed it is asked to check the number (they may not see the other
    household, so they are not told it exists); a manager or administrator who sees both
    villages reviews the signal. No identifier is kept: the existing person and where the
    attempt came from are enough to compare.
    """

    class Source(models.TextChoices):
        FORM = "form", _("Registration form")
        IMPORT = "import", _("Import")
        CORRECTION = "correction", _("Correction")

    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    existing_person = models.ForeignKey(Person, models.CASCADE, related_name="+")
    attempted_village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    import_job = models.ForeignKey(
        ImportJob, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Visible where the registered person lives; the selector also asks for the
    # attempted village (a reviewer sees both).
    access_scope = Scope(
        organisation="organisation_id", village="existing_person__household__village_id"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("possible duplicate NIK")
        verbose_name_plural = _("possible duplicate NIKs")

    def __str__(self) -> str:
        return f"{self.existing_person_id} ← {self.attempted_village_id}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class RoundFigures(models.Model):
    """Poverty in one survey round of a programme, for one of its villages or (village
    empty) for the whole programme over all its villages' households: MPI H/A/M0, censored
    headcounts, FGT and Gini, and the transitions since the round before, computed by
    `registry.rounds` from `berdaya.analysis` when the round's surveys change. Aggregates
    only; read through the programme (its access rule)."""

    round = models.ForeignKey("programmes.SurveyRound", models.CASCADE, related_name="figures")
    village = models.ForeignKey(
        "areas.Village", models.CASCADE, null=True, blank=True, related_name="+"
    )
    households = models.PositiveIntegerField(default=0)  # surveyed in the round
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    stale = models.BooleanField(default=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "village"],
                condition=models.Q(village__isnull=False),
                name="round_figures_village_unique",
            ),
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(village__isnull=True),
                name="round_figures_programme_unique",
            ),
        ]
        indexes = [models.Index(fields=["village", "round"], name="round_figures_village")]
        verbose_name = _("survey round figures")
        verbose_name_plural = _("survey round figures")

    def __str__(self) -> str:
        return f"{self.round_id} · {self.village_id or '*'}"
