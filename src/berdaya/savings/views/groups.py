"""A savings group's money pages: the books, the meeting page, passbooks, loans, share-out.

Thin: every object comes through a selector (the access rule answers 404 outside
the user's villages), every write through one service.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.forms import show_error
from berdaya.groups.selectors import group_get

from .. import charts, selectors, services
from ..forms import (
    CloseForm,
    ConstitutionForm,
    RescheduleForm,
    ReverseForm,
    ShareOutForm,
    WriteOffForm,
    parse_rupiah,
)
from ..models import Book, Cycle, Meeting, MeetingAttendance, Transaction

GET_POST = require_http_methods(["GET", "POST"])


def _key() -> str:
    return uuid.uuid4().hex


def _require_poster(request, book) -> None:
    if not services.may_post(request.user, book):
        raise PermissionDenied(
            _("Only the group's officers with its facilitator, and managers, record its money.")
        )


@require_GET
def group_money(request, group_id: int):
    group = group_get(user=request.user, pk=group_id)
    book = selectors.book_of_group(user=request.user, group=group)
    context = {"group": group, "book": book, "may_post": False}
    if book is not None:
        cycle = selectors.current_cycle(book)
        ratios = selectors.group_measures(book)
        points = selectors.savings_over_time(book)
        context.update(
            may_post=services.may_post(request.user, book),
            cycle=cycle,
            rules=services.constitution_of(cycle) if cycle else None,
            constitutions=cycle.constitutions.all() if cycle else [],
            meetings=cycle.meetings.order_by("-number") if cycle else [],
            open_meeting=cycle.meetings.filter(status=Meeting.Status.OPEN).first()
            if cycle
            else None,
            loans=selectors.loans_of(book)[:50],
            members=selectors.members_of(book),
            balances={m.pk: selectors.member_balances(book, m) for m in selectors.members_of(book)},
            cash=services.account(book, "cash").balance,
            social_fund=services.account(book, "social_fund").normal_balance,
            ratios=ratios,
            ratio_rows=selectors.ratio_rows(ratios) if ratios else [],
            chart=charts.savings_over_time(
                points,
                title=_("Savings and loans outstanding of %(group)s after each meeting")
                % {"group": group.name},
            )
            if points
            else None,
            cycles=book.cycles.order_by("-number"),
        )
    else:
        unsaved = Book(organisation_id=group.organisation_id, village_id=group.village_id)
        context["may_post"] = services.may_post(request.user, unsaved)
    return render(request, "savings/group_money.html", context)


@GET_POST
def cycle_start(request, group_id: int):
    """Start the books (or the next cycle) with the group's constitution."""
    group = group_get(user=request.user, pk=group_id)
    book = selectors.book_of_group(user=request.user, group=group)
    previous = selectors.current_cycle(book) if book else None
    initial = {"started_on": timezone.localdate(), "residue_rule": "largest_remainder"}
    if previous is not None:
        rules = services.constitution_of(previous)
        initial.update(
            {
                f: getattr(rules, f)
                for f in (
                    "share_price",
                    "max_shares",
                    "social_fund_amount",
                    "social_fund_purposes",
                    "loan_multiple",
                    "max_term_months",
                    "charge_method",
                    "guarantors_required",
                    "joint_liability",
                    "fine_absence",
                    "fine_late",
                    "cycle_months",
                    "social_fund_shared_out",
                    "loans_may_carry",
                    "residue_rule",
                )
            }
        )
        initial["monthly_rate"] = rules.monthly_rate_bp / 100
    form = ConstitutionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            book = book or services.book_open(user=request.user, group=group)
            services.cycle_start(
                user=request.user,
                book=book,
                started_on=form.cleaned_data["started_on"],
                rules=form.rules(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("The cycle has started. Open its first meeting."))
            return redirect("savings:group", group_id=group.pk)
    return render(
        request,
        "savings/cycle_form.html",
        {"group": group, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
def meeting_new(request, group_id: int):
    group = group_get(user=request.user, pk=group_id)
    book = selectors.book_of_group(user=request.user, group=group)
    cycle = selectors.current_cycle(book) if book else None
    if cycle is None:
        messages.error(request, _("Start the group's books first."))
        return redirect("savings:group", group_id=group.pk)
    officer = None
    if request.POST.get("recorded_with"):
        officer = group.members.filter(pk=request.POST["recorded_with"]).first()
    try:
        held_on = _date(request.POST.get("held_on")) or timezone.localdate()
        meeting = services.meeting_open(
            user=request.user, cycle=cycle, held_on=held_on, recorded_with=officer
        )
    except ValidationFailed as error:
        messages.error(request, error.message)
        return redirect("savings:group", group_id=group.pk)
    return redirect("savings:meeting", meeting_id=meeting.pk)


def _date(text):
    import datetime

    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise ValidationFailed(_("Enter a valid date."), field="held_on") from error


def _lines_from(post, members, loans_by_member):
    """The treasurer's page → one MemberLine per member (amounts typed as 10.000)."""
    lines = []
    for member in members:
        prefix = f"m{member.pk}"
        attendance = post.get(f"{prefix}-att", MeetingAttendance.Status.PRESENT)
        shares_text = post.get(f"{prefix}-shares", "").strip() or "0"
        if not shares_text.isdigit():
            raise ValidationFailed(
                _("%(name)s: shares are a whole number.") % {"name": member.person.name}
            )
        repayments = []
        for loan in loans_by_member.get(member.pk, []):
            amount = parse_rupiah(post.get(f"{prefix}-repay-{loan.pk}", ""), field="repay")
            if amount:
                repayments.append((loan, amount))
        new_loan = None
        principal = parse_rupiah(post.get(f"{prefix}-loan", ""), field="loan")
        if principal:
            term_text = post.get(f"{prefix}-term", "").strip() or "1"
            if not term_text.isdigit():
                raise ValidationFailed(_("The term is a whole number of months."))
            new_loan = services.NewLoan(
                principal=principal,
                term_months=int(term_text),
                purpose=post.get(f"{prefix}-purpose", ""),
            )
        lines.append(
            services.MemberLine(
                member=member,
                attendance=attendance,
                shares=int(shares_text),
                social_fund=post.get(f"{prefix}-social") == "on",
                fine=parse_rupiah(post.get(f"{prefix}-fine", ""), field="fine"),
                repayments=tuple(repayments),
                new_loan=new_loan,
            )
        )
    return lines


@GET_POST
def meeting_page(request, meeting_id: int):
    """The one page a treasurer fills during the meeting, then counts the cash box."""
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    book = meeting.cycle.book
    members = selectors.members_of(book)
    loans = selectors.loans_of(book, active_only=True)
    loans_by_member: dict[int, list] = {}
    for loan in loans:
        loans_by_member.setdefault(loan.member_id, []).append(loan)
    error = None
    status = 200
    if request.method == "POST":
        try:
            _require_poster(request, book)
            lines = _lines_from(request.POST, members, loans_by_member)
            services.meeting_record(
                user=request.user,
                meeting=meeting,
                lines=lines,
                idempotency_key=request.POST.get("key", ""),
            )
        except ValidationFailed as failure:
            error, status = failure.message, 422
        else:
            messages.success(request, _("The meeting's entries were saved. Count the cash box."))
            return redirect("savings:meeting", meeting_id=meeting.pk)
    rules = services.constitution_of(meeting.cycle)
    lines = selectors.meeting_lines(meeting)
    rows = []
    for member in members:
        states = [(loan, services.loan_state(loan)) for loan in loans_by_member.get(member.pk, [])]
        rows.append(
            {
                "member": member,
                "done": lines.get(member.pk),
                "loans": [(loan, state.owed) for loan, state in states],
                "savings": selectors.member_balances(book, member)["shares"],
            }
        )
    return render(
        request,
        "savings/meeting.html",
        {
            "meeting": meeting,
            "group": book.group,
            "rules": rules,
            "rows": rows,
            "share_choices": range(rules.max_shares + 1),
            "totals": services.meeting_totals(meeting),
            "key": _key(),
            "error": error,
            "posted": request.POST if error else None,
            "close_form": CloseForm(),
            "transactions": meeting.transactions.select_related(
                "member__person", "reverses"
            ).order_by("pk"),
            "may_post": services.may_post(request.user, book),
            "attendance_choices": MeetingAttendance.Status.choices,
        },
        status=status,
    )


@require_POST
def meeting_close(request, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            closed = services.meeting_close(
                user=request.user, meeting=meeting, counted_cash=form.cleaned_data["counted_cash"]
            )
        except ValidationFailed as error:
            messages.error(request, error.message)
        else:
            difference = closed.counted_cash - closed.expected_cash
            if difference:
                messages.warning(
                    request,
                    _(
                        "Closed. The box differs from the books by %(diff)s: "
                        "note why in the minutes."
                    )
                    % {"diff": services.rupiah_text(difference)},
                )
            else:
                messages.success(request, _("Closed: the cash box matches the books."))
            return redirect("savings:receipts", meeting_id=meeting.pk)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("savings:meeting", meeting_id=meeting.pk)


@require_GET
def meeting_receipts(request, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    book = meeting.cycle.book
    lines = selectors.meeting_lines(meeting)
    receipts = [
        (m, selectors.receipt_text(meeting=meeting, member=m, lines=lines))
        for m in selectors.members_of(book)
    ]
    return render(
        request,
        "savings/receipts.html",
        {"meeting": meeting, "group": book.group, "receipts": receipts},
    )


@require_GET
def passbook(request, membership_id: int):
    member = selectors.membership_get(user=request.user, pk=membership_id)
    book = selectors.book_of_group(user=request.user, group=member.group)
    return render(
        request,
        "savings/passbook.html",
        {
            "member": member,
            "group": member.group,
            "book": book,
            "lines": selectors.passbook(member=member) if book else [],
            "balances": selectors.member_balances(book, member) if book else None,
            "printed_on": timezone.localdate(),
        },
    )


@GET_POST
def loan_detail(request, loan_id: int):
    loan = selectors.loan_get(user=request.user, pk=loan_id)
    book = loan.cycle.book
    today = timezone.localdate()
    write_off_form = WriteOffForm(initial={"on": today, "key": _key()})
    reschedule_form = RescheduleForm(initial={"on": today})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form = WriteOffForm(request.POST) if action == "write_off" else RescheduleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "write_off":
                    services.loan_write_off(
                        user=request.user,
                        loan=loan,
                        on=data["on"],
                        reason=data["reason"],
                        idempotency_key=data["key"],
                    )
                    messages.success(request, _("The loan was written off."))
                else:
                    services.loan_reschedule(
                        user=request.user,
                        loan=loan,
                        term_months=data["term_months"],
                        on=data["on"],
                        reason=data["reason"],
                    )
                    messages.success(
                        request, _("The loan was rescheduled; the old schedule is kept.")
                    )
            except ValidationFailed as error:
                show_error(form, error)
            else:
                return redirect("savings:loan", loan_id=loan.pk)
        status = 422
        if action == "write_off":
            write_off_form = form
        else:
            reschedule_form = form
    state = services.loan_state(loan)
    schedules = loan.schedules.prefetch_related("instalments").order_by("-version")
    return render(
        request,
        "savings/loan.html",
        {
            "loan": loan,
            "group": book.group,
            "state": state,
            "arrears": state.arrears(today),
            "schedules": schedules,
            "transactions": loan.transactions.select_related("reverses").order_by("pk"),
            "write_off_form": write_off_form,
            "reschedule_form": reschedule_form,
            "may_post": services.may_post(request.user, book),
        },
        status=status,
    )


@GET_POST
def share_out(request, savings_cycle_id: int):
    cycle = selectors.cycle_get(user=request.user, pk=savings_cycle_id)
    book = cycle.book
    form = ShareOutForm(
        request.POST if request.method == "POST" else None,
        initial={"on": timezone.localdate(), "key": _key()},
    )
    error = None
    try:
        preview = services.share_out_preview(cycle) if cycle.status == Cycle.Status.OPEN else None
    except ValidationFailed as failure:
        preview, error = None, failure.message
    if request.method == "POST" and form.is_valid():
        carry = {}
        try:
            for key, value in request.POST.items():
                if key.startswith("carry-") and value.strip():
                    carry[int(key.removeprefix("carry-"))] = parse_rupiah(value, field="carry")
            services.cycle_share_out(
                user=request.user,
                cycle=cycle,
                on=form.cleaned_data["on"],
                idempotency_key=form.cleaned_data["key"],
                carry=carry,
            )
        except (ValidationFailed, ValueError) as failure:
            error = getattr(failure, "message", _("Enter a valid amount."))
        else:
            messages.success(request, _("The cycle was shared out and closed."))
            return redirect("savings:share-out", savings_cycle_id=cycle.pk)
    done = cycle.transactions.filter(kind=Transaction.Kind.SHARE_OUT).first()
    return render(
        request,
        "savings/share_out.html",
        {
            "cycle": cycle,
            "group": book.group,
            "preview": preview,
            "rows": [
                (preview.members[m.key], m, preview.loans_outstanding.get(m.key, 0))
                for m in preview.plan.members
            ]
            if preview
            else [],
            "form": form,
            "error": error,
            "done": done,
            "done_entries": done.entries.select_related("account__member__person") if done else [],
            "may_post": services.may_post(request.user, book),
        },
        status=422 if error and request.method == "POST" else 200,
    )


@require_POST
def reverse(request, transaction_id: int):
    original = selectors.transaction_get(user=request.user, pk=transaction_id)
    form = ReverseForm(request.POST)
    back = request.POST.get("next", "")
    if form.is_valid():
        try:
            services.posting_reverse(
                user=request.user,
                original=original,
                reason=form.cleaned_data["reason"],
                on=timezone.localdate(),
                idempotency_key=form.cleaned_data["key"],
            )
        except ValidationFailed as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Reversed. Both entries stay in the books."))
    else:
        messages.error(request, _("Say why the transaction is reversed."))
    if original.meeting_id and back != "loan":
        return redirect("savings:meeting", meeting_id=original.meeting_id)
    if original.loan_id:
        return redirect("savings:loan", loan_id=original.loan_id)
    return redirect("savings:book", book_id=original.book_id)
