"""Build the demo community through the services (so it obeys every rule)."""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.areas.models import Village
from berdaya.core.errors import BerdayaError
from berdaya.core.models import User
from berdaya.organisations.models import Organisation, Role
from berdaya.organisations.services import (
    facilitator_assign,
    membership_grant,
    organisation_create,
)
from berdaya.programmes.models import Programme
from berdaya.programmes.services import programme_create
from berdaya.registry import figures
from berdaya.registry.models import Person
from berdaya.registry.services import MemberInput, household_register

from . import names
from .accompaniment import demo_accompaniment
from .advocacy import demo_advocacy
from .community_profile import community_profiles_create
from .learning import demo_learning
from .maps import demo_maps, household_location
from .networks import demo_networks
from .partnerships import demo_partnerships
from .rounds import demo_first_round, demo_rounds
from .savings import demo_savings
from .security import demo_second_factors
from .transparency import demo_transparency

DEMO_PASSWORD = "berdaya-demo"  # noqa: S105  (printed by `make run`; demo data only)
ORGANISATION_NAME = "Yayasan Lestari Gunungkidul"
PROGRAMME_NAME = "Pemberdayaan Masyarakat Pesisir Selatan 2025-2028"
# Two villages of Kabupaten Gunungkidul, DI Yogyakarta (Kemendagri codes).
GIRISEKAR = "34.03.06.2002"  # Kecamatan Panggang
SIDOHARJO = "34.03.07.2003"  # Kecamatan Tepus
VILLAGES = (GIRISEKAR, SIDOHARJO)
REFERENCE_DATE = datetime.date(2025, 1, 6)

USERS = (
    # username, full name, role, assigned villages
    ("admin", "Bambang Hermawan", Role.ADMIN, ()),
    ("manajer", "Siti Rahayu", Role.MANAGER, ()),
    ("pendamping.girisekar", "Agus Prasetyo", Role.FACILITATOR, (GIRISEKAR,)),
    ("pendamping.sidoharjo", "Dewi Lestari", Role.FACILITATOR, (SIDOHARJO,)),
    ("pemantau", "Hendra Gunawan", Role.VIEWER, ()),
)


@dataclass
class DemoCommunity:
    organisation: Organisation
    programme: Programme
    villages: dict[str, Village]
    users: dict[str, User]


def _birth_date(rng: random.Random, age: int) -> datetime.date:
    return REFERENCE_DATE - datetime.timedelta(days=age * 365 + rng.randrange(365))


def _nik(district_code: str, sex: str, birth: datetime.date, serial: int) -> str:
    day = birth.day + (40 if sex == Person.Sex.FEMALE else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth:%m%y}{serial:04d}"


def _pick(rng: random.Random, wealth: float, ladder: list[str]) -> str:
    """An answer from a ladder ordered poor → better off, leaning on the household's wealth."""
    position = min(len(ladder) - 1, max(0, int((wealth + rng.uniform(-0.25, 0.25)) * len(ladder))))
    return ladder[position]


def _member_details(rng: random.Random, age: int, sex: str, wealth: float) -> dict:
    details: dict = {}
    if age >= 7:
        ladder = ["none", "sd_incomplete", "sd", "sd", "smp", "sma", "diploma", "university"]
        if age >= 50:
            ladder = ["none", "sd_incomplete", "sd", "sd", "smp", "sma"]
        details["education"] = _pick(rng, wealth, ladder)
    if 7 <= age <= 18:
        details["attending_school"] = rng.random() < (0.75 + 0.2 * wealth if age > 15 else 0.97)
    if age >= 15:
        details["marital_status"] = (
            "single"
            if age < 22 and rng.random() < 0.8
            else rng.choice(["married"] * 8 + ["widowed"])
        )
        details["occupation"] = (
            "student"
            if details.get("attending_school")
            else _pick(
                rng,
                wealth,
                [
                    "farm_labourer",
                    "farmer",
                    "farmer",
                    "livestock",
                    "construction",
                    "craft",
                    "trader",
                    "employee",
                ],
            )
        )
        if sex == Person.Sex.FEMALE and not details.get("attending_school") and rng.random() < 0.3:
            details["occupation"] = "housework"
    if age >= 60 and rng.random() < 0.25:
        details["disabilities"] = [rng.choice(["seeing", "walking", "hearing"])]
    details["chronic_illness"] = rng.random() < (0.25 if age >= 50 else 0.04)
    if sex == Person.Sex.FEMALE and 18 <= age <= 40:
        details["pregnant"] = rng.random() < 0.06
    if age < 5:
        details["undernourished"] = rng.random() < 0.35 - 0.25 * wealth
    return details


# BPS, March 2024: Rp582,932 per person per month (national; DIY's own line is not shipped).
POVERTY_LINE = 582_932


def _spending(rng: random.Random, wealth: float, size: int) -> int:
    """A household's monthly spending, whole Rupiah to the thousand: per person from about
    0.6 to 6 times the BPS line, so that about a fifth of people fall below it (Gunungkidul
    is among DIY's poorest regencies; rural Indonesia 11.79 %) with a Gini near 0.31 (rural
    Indonesia's); poor households of about five people spend near Rp2.8 million (BPS)."""
    # One draw, as before, so the rest of the demo (drawn after it) stays the same.
    noise = rng.randrange(0, 500_000) / 500_000
    per_person = POVERTY_LINE * 0.8 * math.exp(1.8 * wealth) * (0.75 + 0.5 * noise)
    return int(per_person * max(size, 1)) // 1000 * 1000


def _survey(rng: random.Random, wealth: float, size: int) -> dict:
    assets = [
        a
        for a, share in (
            ("phone", 0.85),
            ("tv", 0.7),
            ("motorcycle", 0.6),
            ("bicycle", 0.3),
            ("radio", 0.2),
            ("fridge", 0.25),
            ("computer", 0.05),
            ("car", 0.03),
        )
        if rng.random() < share * (0.4 + wealth)
    ]
    return {
        "floor": _pick(rng, wealth, ["earth", "earth", "cement", "cement", "ceramic"]),
        "wall": _pick(rng, wealth, ["bamboo", "wood", "unplastered", "masonry", "masonry"]),
        "roof": _pick(rng, wealth, ["zinc", "tile", "tile", "tile", "concrete"]),
        # Gunungkidul is karst: rain tanks and water vendors in the dry season.
        "water": _pick(rng, wealth, ["unprotected_spring", "rain", "vendor", "piped", "piped"]),
        "water_minutes": rng.choice([0, 0, 5, 10, 20, 40]),
        "sanitation": _pick(rng, wealth, ["none", "pit", "shared", "private", "private"]),
        "electricity": _pick(rng, wealth, ["pln_shared", "pln_metered", "pln_metered"]),
        "cooking_fuel": _pick(rng, wealth, ["wood", "wood", "lpg", "lpg"]),
        "assets": assets,
        "land_m2": rng.choice([0, 500, 1000, 2000, 3000, 5000]),
        "cattle": rng.choice([0, 0, 1, 2]),
        "goats": rng.choice([0, 0, 2, 4]),
        "poultry": rng.choice([0, 5, 10, 20]),
        "income_band": _pick(rng, wealth, ["lt_1m", "lt_1m", "1m_2m", "2m_3m", "3m_5m"]),
        "expenditure_band": _pick(rng, wealth, ["lt_1m", "1m_2m", "1m_2m", "2m_3m", "3m_5m"]),
        "monthly_expenditure": _spending(rng, wealth, size),
        "has_savings": rng.random() < 0.2 + 0.6 * wealth,
        "has_debt": rng.random() < 0.45,
        "child_deaths_5y": 1 if rng.random() < 0.03 else 0,
        "disasters": [
            d
            for d, share in (("drought", 0.8), ("landslide", 0.1), ("earthquake", 0.3))
            if rng.random() < share
        ],
    }


def _schemes(rng: random.Random, wealth: float, members: list) -> list[str]:
    # Targeting is imperfect on purpose: the coverage pages should show both errors.
    poor = wealth < 0.35
    schemes = []
    if rng.random() < (0.55 if poor else 0.08):
        schemes.append("pkh")
    if rng.random() < (0.75 if poor else 0.35):
        schemes.append("kis_pbi")
    if rng.random() < (0.5 if poor else 0.1):
        schemes.append("bpnt")
    if any(m.attending_school for m in members) and rng.random() < (0.5 if poor else 0.1):
        schemes.append("pip")
    if rng.random() < (0.15 if poor else 0.02):
        schemes.append("blt_dd")
    return schemes


def _household_members(
    rng: random.Random, district: str, serials: dict, wealth: float = 0.5
) -> list[MemberInput]:
    def member(name, sex, relation, age):
        birth = _birth_date(rng, age)
        key = (sex, birth)
        serials[key] = serials.get(key, 0) + 1
        return MemberInput(
            name=name,
            sex=sex,
            relation=relation,
            birth_date=birth,
            nik=_nik(district, sex, birth, serials[key]),
            **_member_details(rng, age, sex, wealth),
        )

    male, female = Person.Sex.MALE, Person.Sex.FEMALE
    kind = rng.random()
    head_age = rng.randint(28, 78)
    older = head_age >= 55
    members = []
    if kind < 0.16:  # female-headed household (widowed or left behind by migration)
        pool = names.OLDER_WOMEN if older else names.WOMEN
        members.append(member(rng.choice(pool), female, Person.Relation.HEAD, head_age))
    elif kind < 0.22:  # an elderly person living alone
        members.append(
            member(rng.choice(names.OLDER_MEN), male, Person.Relation.HEAD, rng.randint(65, 85))
        )
        return members
    else:
        head_pool, spouse_pool = (
            (names.OLDER_MEN, names.OLDER_WOMEN) if older else (names.MEN, names.WOMEN)
        )
        members.append(member(rng.choice(head_pool), male, Person.Relation.HEAD, head_age))
        spouse_age = max(18, head_age - rng.randint(0, 6))
        members.append(member(rng.choice(spouse_pool), female, Person.Relation.SPOUSE, spouse_age))
    for _child in range(rng.choice((0, 1, 1, 2, 2, 2, 3, 4))):
        child_age = rng.randint(0, max(0, min(30, head_age - 20)))
        sex = rng.choice((male, female))
        pool = names.BOYS if sex == male else names.GIRLS
        members.append(member(rng.choice(pool), sex, Person.Relation.CHILD, child_age))
    if rng.random() < 0.12 and head_age < 60:
        members.append(
            member(rng.choice(names.OLDER_WOMEN), female, Person.Relation.PARENT, head_age + 26)
        )
    return members


@transaction.atomic
@figures.deferred()  # the stored figures of all its households at once, at the end
def demo_create(*, households_per_village: int = 120, seed: int = 2025) -> DemoCommunity:
    """Create the demo community. Refuses to run twice, so real data is never mixed in."""
    if Organisation.objects.filter(name=ORGANISATION_NAME).exists():
        raise BerdayaError(_("The demo community already exists."))
    missing = [code for code in VILLAGES if not Village.objects.filter(code=code).exists()]
    if missing:
        raise BerdayaError(
            _("Villages %(codes)s are not loaded: run `berdaya load-areas` first.")
            % {"codes": ", ".join(missing)}
        )
    rng = random.Random(seed)
    organisation = organisation_create(name=ORGANISATION_NAME, kind=Organisation.Kind.NGO)
    programme = programme_create(
        organisation=organisation,
        name=PROGRAMME_NAME,
        description=(
            "Pendampingan empat tahun untuk rumah tangga miskin di dua desa pesisir selatan "
            "Gunungkidul: pemetaan sosial, penguatan kelompok, tabungan, dan pembelajaran bersama."
        ),
        start_date=REFERENCE_DATE,
        planned_duration_months=48,
        village_codes=VILLAGES,
    ).programme
    first_round = demo_first_round(programme)  # the mapping survey is the programme's round 1
    users = {}
    for username, full_name, role, villages in USERS:
        user = User.objects.create(
            username=username, full_name=full_name, first_name=full_name.split()[0]
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        membership = membership_grant(user=user, organisation=organisation, role=role)
        for code in villages:
            facilitator_assign(membership=membership, village_code=code, since=REFERENCE_DATE)
        users[username] = user
    demo_second_factors(users.values())
    serials: dict = {}
    village_objects = {code: Village.objects.get(code=code) for code in VILLAGES}
    for code, village in village_objects.items():
        district = village.district_id
        hamlets = names.HAMLETS[code]
        for number in range(households_per_village):
            hamlet_index = number % len(hamlets)
            issued = REFERENCE_DATE - datetime.timedelta(days=rng.randrange(3650))
            wealth = rng.random() ** 1.3  # most households in these villages are poor
            members = _household_members(rng, district, serials, wealth)
            latitude, longitude = household_location(code, hamlet_index, len(hamlets), number)
            household_register(
                organisation=organisation,
                village=village,
                members=members,
                survey=_survey(rng, wealth, len(members)),
                surveyed_on=REFERENCE_DATE + datetime.timedelta(days=30 + number % 60),
                schemes=_schemes(rng, wealth, members),
                survey_round=first_round,
                consent_given=True,
                user=users["pendamping.girisekar" if code == GIRISEKAR else "pendamping.sidoharjo"],
                kk=f"{district.replace('.', '')}{issued:%d%m%y}{number + 1:04d}",
                dusun=hamlets[hamlet_index],
                rw=f"{hamlet_index + 1:02d}",
                rt=f"{(number // len(hamlets)) % 8 + 1:03d}",
                latitude=latitude,
                longitude=longitude,
            )
    community_profiles_create(
        organisation=organisation,
        villages=village_objects,
        users=users,
        on=REFERENCE_DATE + datetime.timedelta(days=45),
    )
    community = DemoCommunity(organisation, programme, village_objects, users)
    # The survey again a year later (poverty over time), before the rest of the demo reads
    # the registry, so what it stores (an advocacy case's coverage after) is today's.
    demo_rounds(community, first_round)
    demo_accompaniment(community)  # a year of activities, groups, a plan, cadres
    demo_savings(community)  # a savings group's year, a KUBE's books, village funds
    demo_partnerships(community)  # four sectors, an MoU, contributions
    demo_advocacy(community)  # a PKH coverage gap claimed, and the enrolment after it
    demo_learning(community)  # stories of change, results, empowerment, graduation
    demo_networks(community)  # advice and opinion ties, co-attendance, co-membership
    demo_maps(community)  # where groups meet, institutions work and assets are
    demo_transparency(community)  # the programme's public page, published
    return community


def demo_exists() -> bool:
    return Organisation.objects.filter(name=ORGANISATION_NAME).exists()


__all__ = ["DEMO_PASSWORD", "DemoCommunity", "demo_create", "demo_exists"]
