"""Importers: files from KoboToolbox, ODK Central and Berdaya's template, as household records.

`IMPORTERS` maps an `ImportJob.Source` to its importer; `importer_for(source)`
fetches one. Each returns a `ParseResult` (records, problems by row and column,
and which column holds which Berdaya field); the import service validates and
writes them (`registry.services.imports`).
"""

from __future__ import annotations

from berdaya.core.errors import ValidationFailed

from .base import ImportedHousehold, Importer, ParseResult, TableInfo
from .fake import FakeImporter
from .kobo import KoboImporter
from .odk import OdkImporter
from .template import TemplateImporter, template_csv, template_xlsx

IMPORTERS: dict[str, Importer] = {
    "kobo": KoboImporter(),
    "odk": OdkImporter(),
    "template": TemplateImporter(),
}


def importer_for(source: str) -> Importer:
    from django.utils.translation import gettext as _

    try:
        return IMPORTERS[source]
    except KeyError:
        raise ValidationFailed(
            _("Unknown kind of file “%(source)s”.") % {"source": source}, field="source"
        ) from None


__all__ = [
    "IMPORTERS",
    "FakeImporter",
    "ImportedHousehold",
    "Importer",
    "KoboImporter",
    "OdkImporter",
    "ParseResult",
    "TableInfo",
    "TemplateImporter",
    "importer_for",
    "template_csv",
    "template_xlsx",
]
