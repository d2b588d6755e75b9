"""A village's community profile: the part of mapping that is not about one household.

Local institutions (arisan, gotong royong, lumbung, zakat, traditional healers,
religious groups...), earlier programmes and how people experienced them, and the
facilitators' own assessment of the five livelihood capitals (SLA). Together with
the registry's figures they make the village profile (`selectors.village_profile`).

None of this is personal data: it describes the community, not a person. Viewers see
it; facilitators, managers and administrators of the village write it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope
from berdaya.maps.geo import location_constraints

FIRST_YEAR, LAST_YEAR = 1800, 2200
YEAR = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
# BPS has published poverty lines since the 1970s; Berdaya's registries start this century.
LINE_FIRST_YEAR, LINE_LAST_YEAR = 2000, 2100


class Capital(models.TextChoices):
    """The five livelihood capitals of the Sustainable Livelihoods Approach."""

    HUMAN = "human", _("Human capital")
    SOCIAL = "social", _("Social capital")
    NATURAL = "natural", _("Natural capital")
    PHYSICAL = "physical", _("Physical capital")
    FINANCIAL = "financial", _("Financial capital")


class Strength(models.IntegerChoices):
    VERY_WEAK = 1, _("Very weak")
    WEAK = 2, _("Weak")
    MODERATE = 3, _("Moderate")
    STRONG = 4, _("Strong")
    VERY_STRONG = 5, _("Very strong")


class _VillageRecord(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access_scope = Scope(organisation="organisation_id", village="village_id", personal=False)

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict:
        # Lets the audit trail be read per organisation (berdaya.core.audit).
        return {"organisation": self.organisation_id}


class Institution(_VillageRecord):
    """A mechanism that already works in the village (pelembagaan starts from these)."""

    class Kind(models.TextChoices):
        ARISAN = "arisan", _("Arisan (rotating savings circle)")
        PKK = "pkk", _("PKK / women's group")
        FARMERS = "farmers", _("Farmers' group (kelompok tani)")
        GOTONG_ROYONG = "gotong_royong", _("Gotong royong (mutual help)")
        LUMBUNG = "lumbung", _("Village granary (lumbung)")
        ZAKAT = "zakat", _("Zakat, infak and sedekah")
        RELIGIOUS = "religious", _("Religious group (pengajian, church...)")
        HEALER = "healer", _("Traditional healer or birth attendant")
        YOUTH = "youth", _("Youth group (karang taruna)")
        SAVINGS = "savings", _("Savings group or cooperative")
        CUSTOMARY = "customary", _("Customary (adat) institution")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("what it does"), blank=True)
    members = models.PositiveIntegerField(_("members (about)"), null=True, blank=True)
    since_year = models.PositiveSmallIntegerField(
        _("active since (year)"), null=True, blank=True, validators=YEAR
    )
    meets = models.CharField(_("how often it meets"), max_length=100, blank=True)
    active = models.BooleanField(_("still active"), default=True)
    strength = models.PositiveSmallIntegerField(
        _("how strong it is"), choices=Strength.choices, default=Strength.MODERATE
    )
    # Where it meets or works (shown on the village map; not a person's home).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["village_id", "-active", "kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=5),
                name="institution_strength_1_5",
                violation_error_message=_("Strength is from 1 (very weak) to 5 (very strong)."),
            ),
            models.CheckConstraint(
                condition=models.Q(since_year__isnull=True)
                | models.Q(since_year__gte=FIRST_YEAR, since_year__lte=LAST_YEAR),
                name="institution_since_year_plausible",
                violation_error_message=_("Give a year such as 1998."),
            ),
            *location_constraints("institution"),
        ]
        verbose_name = _("local institution")
        verbose_name_plural = _("local institutions")

    def __str__(self) -> str:
        return self.name


class PastProgramme(_VillageRecord):
    """A programme the village had before (or beside) this one, and how people experienced it.

    Seed 000: mapping includes the community's experience with earlier programmes; seed 002:
    direct aid is for emergencies, otherwise help should build capacity, so the approach is
    recorded, and whether the activity continued when the support stopped.
    """

    class Approach(models.TextChoices):
        DIRECT_AID = "direct_aid", _("Direct aid (cash, goods)")
        CAPACITY = "capacity", _("Capacity building (training, accompaniment)")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure")
        CREDIT = "credit", _("Credit or revolving fund")
        OTHER = "other", _("Other")

    class Experience(models.TextChoices):
        POSITIVE = "positive", _("Helped")
        MIXED = "mixed", _("Mixed")
        NEGATIVE = "negative", _("Did not help or did harm")

    name = models.CharField(_("programme"), max_length=150)
    run_by = models.CharField(_("run by"), max_length=150, blank=True)
    approach = models.CharField(_("approach"), max_length=14, choices=Approach.choices)
    start_year = models.PositiveSmallIntegerField(
        _("from (year)"), null=True, blank=True, validators=YEAR
    )
    end_year = models.PositiveSmallIntegerField(
        _("until (year)"), null=True, blank=True, validators=YEAR
    )
    experience = models.CharField(
        _("how people experienced it"), max_length=8, choices=Experience.choices
    )
    what_people_said = models.TextField(_("what people said"), blank=True)
    continued = models.BooleanField(
        _("the activity continued after the support ended"), null=True, blank=True
    )
    lessons = models.TextField(_("lessons"), blank=True)

    class Meta:
        ordering = ["village_id", "-start_year", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="past_programme_years_in_order",
                violation_error_message=_("The programme cannot end before it started."),
            ),
        ]
        verbose_name = _("earlier programme")
        verbose_name_plural = _("earlier programmes")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The programme cannot end before it started.")})


class CapitalItem(_VillageRecord):
    """Something facilitators and villagers named as a strength or weakness of one capital."""

    capital = models.CharField(_("capital"), max_length=10, choices=Capital.choices)
    description = models.CharField(_("what"), max_length=255)
    strength = models.PositiveSmallIntegerField(_("how strong"), choices=Strength.choices)
    source = models.CharField(
        _("source (e.g. FGD with women, transect walk)"), max_length=150, blank=True
    )
    recorded_on = models.DateField(_("recorded on"))
    # Where the asset is (a spring, a bridge, a field), for the village map.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["village_id", "capital", "-recorded_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=5),
                name="capital_item_strength_1_5",
                violation_error_message=_("Strength is from 1 (very weak) to 5 (very strong)."),
            ),
            models.CheckConstraint(
                condition=models.Q(capital__in=Capital.values),
                name="capital_item_capital_valid",
                violation_error_message=_("Choose one of the five capitals."),
            ),
            *location_constraints("capital_item"),
        ]
        verbose_name = _("capital item")
        verbose_name_plural = _("capital items")

    def __str__(self) -> str:
        return self.description


class PovertyLineOverride(models.Model):
    """An organisation's own poverty line for a province or regency and year.

    Berdaya ships the BPS lines it knows (`berdaya.analysis.poverty.PovertyLines.bps`); a
    full provincial table is not published in one place, and a regency's own line (BPS
    publishes them per kabupaten) is closer to the village. A manager enters it with its
    source; the village figures use it instead of the shipped line (regency before
    province). Organisation data, not personal.
    """

    organisation = models.ForeignKey("organisations.Organisation", models.CASCADE, related_name="+")
    # A province ("34") or regency ("34.03") code of the Kemendagri list.
    area_code = models.CharField(_("province or regency"), max_length=5)
    year = models.PositiveSmallIntegerField(_("year"))
    # Whole Rupiah per person per month.
    amount = models.PositiveIntegerField(_("poverty line (Rp per person per month)"))
    source = models.CharField(_("source"), max_length=255)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area_code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "area_code", "year"],
                name="poverty_line_once_per_area_year",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="poverty_line_positive",
                violation_error_message=_("The poverty line must be more than Rp 0."),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=LINE_FIRST_YEAR, year__lte=LINE_LAST_YEAR),
                name="poverty_line_year_plausible",
                violation_error_message=_("Give a year from 2000 to 2100."),
            ),
        ]
        verbose_name = _("poverty line")
        verbose_name_plural = _("poverty lines")

    def __str__(self) -> str:
        return f"{self.area_code} {self.year}: {self.amount}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}
