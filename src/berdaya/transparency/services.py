"""Writes of the public page: publish or withdraw it, and keep its dated figures."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from berdaya.core.errors import PermissionDenied

from .models import PublicFigures, PublicPage
from .selectors import figures_compute, measured_part

# The page is read by anyone; a short cache keeps a busy link from recomputing it.
CACHE_SECONDS = 300


def cache_key(programme_id: int) -> str:
    return f"transparency:page:{programme_id}"


def _unique_slug(programme) -> str:
    base = (slugify(programme.name) or "program")[:70]
    slug, number = base, 1
    while PublicPage.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def public_page_set(*, user, programme, enabled: bool) -> PublicPage:
    """Publish (or withdraw) the programme's public page. Its managers and admins only."""
    from berdaya.programmes.selectors import may_manage

    if not may_manage(user, programme):
        raise PermissionDenied(_("Only the programme's managers publish its public page."))
    page = PublicPage.objects.select_for_update().filter(programme=programme).first()
    if page is None:
        page = PublicPage(programme=programme, slug=_unique_slug(programme))
    page.enabled = enabled
    if enabled:
        page.enabled_by = user
        page.enabled_at = timezone.now()
    page.save()
    # Withdrawn means gone now, not when the cache runs out; published means current.
    # Emptied now and again after the commit, in case a request filled it in between.
    cache.delete(cache_key(programme.pk))
    transaction.on_commit(lambda: cache.delete(cache_key(programme.pk)))
    if enabled:
        public_figures_refresh(programme=programme)
    return page


def public_figures_refresh(*, programme, today: datetime.date | None = None) -> PublicFigures:
    """Read the page's figures now and keep them if they differ from the last ones kept
    (one row a day at most): the kept rows are the measurements the trend shows."""
    today = today or timezone.localdate()
    figures = figures_compute(programme, today=today)
    last = PublicFigures.objects.filter(programme=programme).order_by("-taken_on").first()
    if last is not None and measured_part(last.figures) == measured_part(figures):
        return last
    try:
        with transaction.atomic():
            row, _created = PublicFigures.objects.update_or_create(
                programme=programme, taken_on=today, defaults={"figures": figures}
            )
    except IntegrityError:  # another request kept today's figures at the same moment
        row = PublicFigures.objects.get(programme=programme, taken_on=today)
    return row
