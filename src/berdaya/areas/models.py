"""Indonesian administrative areas with Kemendagri codes.

Codes are stored as published, with dots (province `34`, regency `34.03`,
district `34.03.06`, village `34.03.06.2002`), and are the primary keys so that
every other table refers to a village by the code people already use.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    code = models.CharField(_("code"), max_length=5, primary_key=True)
    province = models.ForeignKey(Province, models.PROTECT, related_name="regencies")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency/city")
        verbose_name_plural = _("regencies/cities")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    regency = models.ForeignKey(Regency, models.PROTECT, related_name="districts")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    code = models.CharField(_("code"), max_length=13, primary_key=True)
    district = models.ForeignKey(District, models.PROTECT, related_name="villages")
    name = models.CharField(_("name"), max_length=100, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("village (desa/kelurahan)")
        verbose_name_plural = _("villages (desa/kelurahan)")

    def __str__(self) -> str:
        return self.name

    @property
    def is_kelurahan(self) -> bool:
        # Kemendagri numbers kelurahan 1xxx and desa 2xxx within a district.
        return self.code.rsplit(".", 1)[-1].startswith("1")
