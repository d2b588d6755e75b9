"""The audit trail of the books' settings; the ledger itself is its own audit trail.

Transactions and entries are append-only rows that carry who posted them and when,
and a correction is a reversal beside the original, so they are not copied into
django-auditlog (which would double every posting and does not see bulk writes).
"""

from auditlog.registry import auditlog

from .models import Account, Asset, Book, Constitution, Cycle, Loan, Meeting, StockItem

auditlog.register(Book)
auditlog.register(Account, exclude_fields=["balance"])
auditlog.register(Cycle)
auditlog.register(Constitution)
auditlog.register(Meeting)
auditlog.register(Loan)
auditlog.register(StockItem)
auditlog.register(Asset)
