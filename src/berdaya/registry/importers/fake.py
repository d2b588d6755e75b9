"""An importer that returns what it was given: for tests of the import service."""

from __future__ import annotations

from collections.abc import Mapping

from ..records import Problem
from ..xlsform import Form
from .base import ImportedHousehold, Importer, ParseResult, Progress


class FakeImporter(Importer):
    """Ignores the file; returns `records` (and `errors`) as if it had read them."""

    source = "fake"

    def __init__(
        self,
        records: list[ImportedHousehold] | None = None,
        *,
        errors: list[Problem] | None = None,
        mapping_needed: bool = False,
    ):
        self.records = records or []
        self.errors = errors or []
        self.mapping_needed = mapping_needed
        self.calls: list[dict] = []

    def parse(
        self,
        data: bytes,
        *,
        filename: str,
        form: Form,
        column_map: Mapping[str, str] | None = None,
        village_code: str = "",
        progress: Progress | None = None,
        include_rejected: bool = False,  # a template has no reviews
    ) -> ParseResult:
        self.calls.append({"filename": filename, "column_map": column_map, "bytes": len(data)})
        if progress:
            progress(1.0)
        return ParseResult(
            records=list(self.records),
            errors=list(self.errors),
            mapping_needed=self.mapping_needed and column_map is None,
            column_names={"nik": "nik", "members": "anggota"},
            rows=sum(1 + len(r.members) for r in self.records),
        )
