"""Small checks shared by the learning services."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.programmes.models import Programme, ProgrammeVillage


def check_village(user, programme: Programme, village_code: str) -> None:
    """The user works in this village for this programme, and the village is in it."""
    if village_code not in village_codes_for(
        user, personal=True, organisation_id=programme.organisation_id
    ):
        raise PermissionDenied(_("You do not work in this village for this programme."))
    if not ProgrammeVillage.objects.filter(programme=programme, village_id=village_code).exists():
        raise ValidationFailed(_("This village is not in the programme."), field="village")


def check_manager(user, programme: Programme, message: str) -> None:
    from berdaya.programmes.selectors import may_manage

    if not may_manage(user, programme):
        raise PermissionDenied(message)


def within_programme(programme: Programme, day, *, field: str) -> None:
    if not programme.start_date <= day <= programme.planned_end_date:
        raise ValidationFailed(
            _("The date must fall within the programme (%(start)s – %(end)s).")
            % {"start": programme.start_date, "end": programme.planned_end_date},
            field=field,
        )


def required_text(value: str, *, field: str, message: str, minimum: int = 1) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise ValidationFailed(message, field=field)
    return value


def key_for(label: str, used: set[str]) -> str:
    """A short unique slug of `label` (for stable keys across versions)."""
    slug = slugify(label) or "item"
    if len(slug) > 36:
        slug = slug[:37].rsplit("-", 1)[0] or slug[:36]
    key, n = slug, 2
    while key in used:
        key, n = f"{slug}-{n}", n + 1
    used.add(key)
    return key


def in_site_language():
    """Default texts are stored in the programme's language (Indonesian)."""
    return translation.override(settings.LANGUAGE_CODE)


# What a story's photo or recording may be, recognised by its first bytes (not its name).
PHOTO_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


def sniff_media(upload: UploadedFile) -> tuple[str, str]:
    """(content type, suffix) of a photo or voice recording, or a readable refusal."""
    limit = settings.BERDAYA_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ValidationFailed(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "limit": limit // 1_048_576},
            field="file",
        )
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in PHOTO_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if head.startswith(b"OggS"):
        return "audio/ogg", ".ogg"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg", ".mp3"
    if head[4:8] == b"ftyp":  # MP4 family: what Android's recorder writes (.m4a, .3gp)
        return "audio/mp4", ".m4a"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav", ".wav"
    if head.startswith(b"#!AMR"):
        return "audio/amr", ".amr"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "audio/webm", ".webm"
    raise ValidationFailed(
        _("Only JPEG or PNG photos and voice recordings (OGG, MP3, M4A, WAV, AMR, WebM)."),
        field="file",
    )
