"""Loading the official area list (idn-area-data, from npm) into the database."""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.errors import BerdayaError

from .models import District, Province, Regency, Village

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000


@dataclass(frozen=True)
class _Level:
    model: type
    filename: str
    parent_column: str | None
    parent_field: str | None


_LEVELS = (
    _Level(Province, "provinces.csv", None, None),
    _Level(Regency, "regencies.csv", "province_code", "province_id"),
    _Level(District, "districts.csv", "regency_code", "regency_id"),
    _Level(Village, "villages.csv", "district_code", "district_id"),
)


@dataclass
class LevelResult:
    name: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class AreasLoadResult:
    levels: list[LevelResult] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(level.created or level.updated for level in self.levels)

    def counts(self) -> dict[str, int]:
        return {level.name: level.total for level in self.levels}


def default_source_dir() -> Path:
    return Path(settings.NODE_MODULES_DIR) / "idn-area-data" / "data"


def _read(path: Path, parent_column: str | None, provinces: set[str] | None) -> Iterator[tuple]:
    """Yield (line number, code, name, parent code) for each wanted row."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        expected = {"code", "name"} | ({parent_column} if parent_column else set())
        missing = expected - set(reader.fieldnames or ())
        if missing:
            raise BerdayaError(
                _("File %(file)s lacks the columns: %(columns)s.")
                % {"file": path.name, "columns": ", ".join(sorted(missing))}
            )
        for row in reader:
            code = row["code"].strip()
            if provinces is not None and code[:2] not in provinces:
                continue
            parent = row[parent_column].strip() if parent_column else None
            yield reader.line_num, code, row["name"].strip(), parent


def _known_parents(level: _Level) -> set[str] | None:
    """Codes a row of this level may refer to (None for provinces, which have no parent)."""
    if not level.parent_field:
        return None
    parent_model = level.model._meta.get_field(level.parent_field).related_model
    return set(parent_model.objects.values_list("code", flat=True))


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def areas_load(
    *,
    source_dir: Path | None = None,
    provinces: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> AreasLoadResult:
    """Insert or update provinces, regencies, districts and villages.

    Idempotent (a second run changes nothing and says so), transactional (a bad
    file leaves the previous areas untouched) and bulk (83,000 villages in a few
    seconds). Areas that disappear from the package are kept, because households
    may still refer to them; they are reported in the log.
    `provinces` limits the load to some province codes (tests and small installs).
    """
    source = Path(source_dir) if source_dir else default_source_dir()
    if not source.is_dir():
        raise BerdayaError(
            _(
                "Area data not found in %(path)s. Run `make install` (or `npm ci`) "
                "to install the idn-area-data package."
            )
            % {"path": source}
        )
    wanted = set(provinces) if provinces is not None else None
    result = AreasLoadResult()
    with transaction.atomic():
        for level in _LEVELS:
            path = source / level.filename
            if not path.is_file():
                raise BerdayaError(_("File %(file)s is missing.") % {"file": path})
            outcome = LevelResult(name=level.model._meta.model_name)
            existing = {
                code: (name, parent)
                for code, name, parent in level.model.objects.values_list(
                    "code", "name", level.parent_field or "code"
                )
            }
            # Foreign keys are only checked at COMMIT (they are deferred), which would
            # surface as an unreadable IntegrityError: check the parents first.
            parents = _known_parents(level)
            to_create, to_update = [], []
            for line, code, name, parent in _read(path, level.parent_column, wanted):
                if parents is not None and parent not in parents:
                    raise BerdayaError(
                        _(
                            "File %(file)s, line %(line)d: %(code)s refers to %(column)s "
                            "“%(parent)s”, which does not exist. Nothing was loaded."
                        )
                        % {
                            "file": path.name,
                            "line": line,
                            "code": code,
                            "column": level.parent_column,
                            "parent": parent,
                        }
                    )
                outcome.total += 1
                kwargs = {"code": code, "name": name}
                if level.parent_field:
                    kwargs[level.parent_field] = parent
                before = existing.pop(code, None)
                if before is None:
                    to_create.append(level.model(**kwargs))
                elif before != (name, parent if level.parent_field else code):
                    to_update.append(level.model(**kwargs))
                else:
                    outcome.unchanged += 1
            for batch in _batched(to_create, BATCH_SIZE):
                level.model.objects.bulk_create(batch)
            update_fields = ["name"] + ([level.parent_field] if level.parent_field else [])
            for batch in _batched(to_update, BATCH_SIZE):
                level.model.objects.bulk_update(batch, update_fields)
            outcome.created, outcome.updated = len(to_create), len(to_update)
            if existing and wanted is None:
                logger.warning(
                    "%d %s codes are no longer in the package and were kept.",
                    len(existing),
                    outcome.name,
                )
            result.levels.append(outcome)
            if progress:
                progress(
                    f"{outcome.name}: {outcome.total} "
                    f"(+{outcome.created}, ~{outcome.updated}, ={outcome.unchanged})"
                )
    return result
