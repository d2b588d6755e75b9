"""Berdaya's answer codes for the mapping survey.

The same codes are the choice names in the XLSForm Berdaya generates, the values
imports accept, and what `berdaya.analysis` reads; labels are translated.
Deprivation flags follow the global MPI's definitions (UNDP/OPHI), adapted to
Indonesian housing materials as BPS's Susenas asks about them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Floor(models.TextChoices):
    EARTH = "earth", _("Earth")
    BAMBOO = "bamboo", _("Bamboo")
    LOW_WOOD = "low_wood", _("Low-quality wood/boards")
    CEMENT = "cement", _("Cement or red brick")
    GOOD_WOOD = "good_wood", _("High-quality wood/boards")
    CERAMIC = "ceramic", _("Ceramic, tiles, marble or terrazzo")
    OTHER = "other", _("Other")


class Wall(models.TextChoices):
    BAMBOO = "bamboo", _("Bamboo or woven bamboo")
    WOOD = "wood", _("Wood or boards")
    UNPLASTERED = "unplastered", _("Unplastered brick or cement block")
    MASONRY = "masonry", _("Plastered masonry")
    OTHER = "other", _("Other")


class Roof(models.TextChoices):
    THATCH = "thatch", _("Thatch, palm fibre or leaves")
    ZINC = "zinc", _("Zinc or metal sheets")
    ASBESTOS = "asbestos", _("Asbestos")
    TILE = "tile", _("Clay or concrete tiles")
    CONCRETE = "concrete", _("Concrete")
    WOOD = "wood", _("Wood shingles")
    OTHER = "other", _("Other")


class Water(models.TextChoices):
    PIPED = "piped", _("Piped water (PDAM)")
    BOTTLED = "bottled", _("Bottled or refill water")
    PROTECTED_WELL = "protected_well", _("Protected well or borehole")
    UNPROTECTED_WELL = "unprotected_well", _("Unprotected well")
    PROTECTED_SPRING = "protected_spring", _("Protected spring")
    UNPROTECTED_SPRING = "unprotected_spring", _("Unprotected spring")
    RAIN = "rain", _("Rainwater")
    SURFACE = "surface", _("River, lake or pond")
    VENDOR = "vendor", _("Tanker or water vendor")


class Sanitation(models.TextChoices):
    PRIVATE = "private", _("Own toilet with septic tank")
    SHARED = "shared", _("Toilet shared with other households")
    PUBLIC = "public", _("Public toilet")
    PIT = "pit", _("Pit latrine without slab")
    NONE = "none", _("None (open defecation)")


class Electricity(models.TextChoices):
    PLN_METERED = "pln_metered", _("PLN, own meter")
    PLN_SHARED = "pln_shared", _("PLN, through a neighbour")
    SOLAR = "solar", _("Solar panel")
    GENERATOR = "generator", _("Generator")
    NONE = "none", _("No electricity")


class CookingFuel(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    LPG = "lpg", _("LPG gas")
    BIOGAS = "biogas", _("Biogas")
    KEROSENE = "kerosene", _("Kerosene")
    CHARCOAL = "charcoal", _("Charcoal")
    WOOD = "wood", _("Firewood")
    NONE = "none", _("Does not cook")


class Asset(models.TextChoices):
    RADIO = "radio", _("Radio")
    TV = "tv", _("Television")
    PHONE = "phone", _("Mobile phone")
    COMPUTER = "computer", _("Computer or laptop")
    BICYCLE = "bicycle", _("Bicycle")
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    FRIDGE = "fridge", _("Refrigerator")
    CAR = "car", _("Car")
    BOAT = "boat", _("Boat")
    CART = "cart", _("Animal cart")


class IncomeBand(models.TextChoices):
    BELOW_1M = "lt_1m", _("Under Rp1 million a month")
    FROM_1M = "1m_2m", _("Rp1–2 million a month")
    FROM_2M = "2m_3m", _("Rp2–3 million a month")
    FROM_3M = "3m_5m", _("Rp3–5 million a month")
    ABOVE_5M = "gt_5m", _("Over Rp5 million a month")


class Disaster(models.TextChoices):
    FLOOD = "flood", _("Flood")
    DROUGHT = "drought", _("Drought")
    LANDSLIDE = "landslide", _("Landslide")
    EARTHQUAKE = "earthquake", _("Earthquake")
    TSUNAMI = "tsunami", _("Tsunami or tidal flood")
    VOLCANO = "volcano", _("Volcanic eruption")
    FIRE = "fire", _("Fire")
    WIND = "wind", _("Strong wind")


class Education(models.TextChoices):
    NONE = "none", _("Never went to school")
    SD_INCOMPLETE = "sd_incomplete", _("Did not finish primary school")
    SD = "sd", _("Primary school (SD)")
    SMP = "smp", _("Junior secondary (SMP)")
    SMA = "sma", _("Senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma (D1–D3)")
    UNIVERSITY = "university", _("University (D4/S1 or higher)")


# Years of schooling each level stands for (global MPI: 6 years is the cutoff).
EDUCATION_YEARS = {
    Education.NONE: 0,
    Education.SD_INCOMPLETE: 3,
    Education.SD: 6,
    Education.SMP: 9,
    Education.SMA: 12,
    Education.DIPLOMA: 14,
    Education.UNIVERSITY: 16,
}


class Occupation(models.TextChoices):
    FARMER = "farmer", _("Farmer (own or rented land)")
    FARM_LABOURER = "farm_labourer", _("Farm labourer")
    FISHER = "fisher", _("Fisher")
    LIVESTOCK = "livestock", _("Livestock keeper")
    TRADER = "trader", _("Trader or small shop")
    CONSTRUCTION = "construction", _("Construction worker")
    FACTORY = "factory", _("Factory worker")
    SERVICES = "services", _("Services or transport")
    CIVIL_SERVANT = "civil_servant", _("Civil servant, police or army")
    EMPLOYEE = "employee", _("Private employee")
    CRAFT = "craft", _("Home industry or crafts")
    MIGRANT = "migrant", _("Migrant worker")
    HOUSEWORK = "housework", _("Housework")
    STUDENT = "student", _("In school")
    NOT_WORKING = "not_working", _("Not working")
    OTHER = "other", _("Other")


class Disability(models.TextChoices):
    # The Washington Group's six domains.
    SEEING = "seeing", _("Seeing")
    HEARING = "hearing", _("Hearing")
    WALKING = "walking", _("Walking or climbing steps")
    COGNITION = "cognition", _("Remembering or concentrating")
    SELF_CARE = "self_care", _("Self-care")
    COMMUNICATION = "communication", _("Communicating")


class Marital(models.TextChoices):
    SINGLE = "single", _("Never married")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


def choice_values(choices) -> frozenset[str]:
    return frozenset(choices.values)
