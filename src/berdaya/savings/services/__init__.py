"""Every write to the community's books (see `ledger` for the posting core)."""

from .closing import ShareOutPreview, cycle_share_out, share_out_preview
from .common import account, may_post, rupiah_text
from .corrections import posting_reverse
from .cycles import (
    OpeningLoan,
    Rules,
    book_open,
    constitution_of,
    constitution_revise,
    cycle_open_balances,
    cycle_start,
)
from .loans import (
    LoanState,
    loan_disburse,
    loan_repay,
    loan_reschedule,
    loan_state,
    loan_write_off,
)
from .meetings import (
    MeetingTotals,
    MemberLine,
    NewLoan,
    expense_pay,
    fine_charge,
    meeting_close,
    meeting_open,
    meeting_record,
    meeting_totals,
    shares_buy,
    social_fund_grant,
    social_fund_pay,
)

__all__ = [
    "LoanState",
    "MeetingTotals",
    "MemberLine",
    "NewLoan",
    "OpeningLoan",
    "Rules",
    "ShareOutPreview",
    "account",
    "book_open",
    "constitution_of",
    "constitution_revise",
    "cycle_open_balances",
    "cycle_share_out",
    "cycle_start",
    "expense_pay",
    "fine_charge",
    "loan_disburse",
    "loan_repay",
    "loan_reschedule",
    "loan_state",
    "loan_write_off",
    "may_post",
    "meeting_close",
    "meeting_open",
    "meeting_record",
    "meeting_totals",
    "posting_reverse",
    "rupiah_text",
    "share_out_preview",
    "shares_buy",
    "social_fund_grant",
    "social_fund_pay",
]
