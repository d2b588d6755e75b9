from auditlog.registry import auditlog

from .models import PersonalAccessToken

# The digest never enters the audit trail; who made or revoked which token does.
auditlog.register(PersonalAccessToken, exclude_fields=["digest", "last_used_at"])
