from auditlog.registry import auditlog

from .models import PublicFigures, PublicPage

auditlog.register(PublicPage)
# The snapshots hold aggregates only; who took them is the page's manager or the page itself.
auditlog.register(PublicFigures, exclude_fields=["figures"])
