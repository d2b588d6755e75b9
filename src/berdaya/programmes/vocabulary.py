"""The method's vocabulary, shared by activities, plans and programme phases."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The 5P cycle of social mobilisation."""

    PEMETAAN = "pemetaan", _("Mapping (Pemetaan)")
    PENDAMPINGAN = "pendampingan", _("Accompaniment (Pendampingan)")
    PELEMBAGAAN = "pelembagaan", _("Institutionalising (Pelembagaan)")
    PENGELOLAAN = "pengelolaan", _("Managing (Pengelolaan)")
    PEMBELAJARAN = "pembelajaran", _("Learning (Pembelajaran)")


class Strategy(models.TextChoices):
    """The seven strategies for empowering the poor."""

    PARTICIPATION = "participation", _("Social participation")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship (KUBE)")
    SAVING = "saving", _("Saving culture")
    PARTNERSHIP = "partnership", _("Social partnership")
    ADVOCACY = "advocacy", _("Social advocacy")
    CAPACITY = "capacity", _("Capacity building")
    LOCAL_WISDOM = "local_wisdom", _("Local wisdom and spiritual values")


class Level(models.TextChoices):
    MICRO = "micro", _("Micro (individual)")
    MEZZO = "mezzo", _("Mezzo (group)")
    MACRO = "macro", _("Macro (system)")
