from auditlog.registry import auditlog

from .models import Pull, ServerConnection

# Who connected which server and changed what; the token or password never enters the trail.
auditlog.register(ServerConnection, exclude_fields=["secret", "updated_at"])
# Who pulled when, and the result; the progress and the row map are not copied.
auditlog.register(Pull, exclude_fields=["progress", "rows", "edits", "started_at", "attempts"])
