"""KUBE books, community funds, the programme's money page, exports, stakeholders."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.community.selectors import village_for_user
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.forms import show_error
from berdaya.groups.selectors import group_get
from berdaya.partnerships.models import Stakeholder
from berdaya.partnerships.selectors import stakeholders_visible_to
from berdaya.partnerships.services import stakeholder_register
from berdaya.programmes.selectors import programme_get

from .. import charts, exports, selectors, services
from ..forms import AllocationForm, FundForm, InflowForm, KubeEntryForm
from ..models import Book

GET_POST = require_http_methods(["GET", "POST"])


def _key() -> str:
    return uuid.uuid4().hex


def _stakeholder(book, pk):
    if pk is None:
        return None
    found = Stakeholder.objects.filter(pk=pk, organisation_id=book.organisation_id).first()
    if found is None:
        raise ValidationFailed(_("Choose a stakeholder of your organisation."), field="stakeholder")
    return found


@GET_POST
def book_detail(request, book_id: int):
    """A KUBE's or a community fund's books, with the form for its next entry."""
    book = selectors.book_get(user=request.user, pk=book_id)
    if book.kind == Book.Kind.SAVINGS:
        return redirect("savings:group", group_id=book.group_id)
    stakeholders = list(stakeholders_visible_to(request.user, organisation_id=book.organisation_id))
    posted = request.POST if request.method == "POST" else None
    today = timezone.localdate()
    entry_form = allocation_form = None
    if book.kind == Book.Kind.KUBE:
        entry_form = KubeEntryForm(
            posted if posted and posted.get("form") == "entry" else None,
            stakeholders=stakeholders,
            initial={"on": today, "key": _key(), "origin": "internal"},
        )
        allocation_form = AllocationForm(
            posted if posted and posted.get("form") == "allocate" else None,
            initial={"on": today, "key": _key()},
        )
    else:
        entry_form = InflowForm(
            posted if posted and posted.get("form") == "entry" else None,
            stakeholders=stakeholders,
            initial={"on": today, "key": _key(), "origin": "internal"},
        )
    status = 200
    if posted is not None:
        if not services.may_post(request.user, book):
            raise PermissionDenied(
                _("Only the group's officers with its facilitator, and managers, record its money.")
            )
        form = allocation_form if posted.get("form") == "allocate" else entry_form
        if form is not None and form.is_bound and form.is_valid():
            try:
                _post_entry(request.user, book, form)
            except ValidationFailed as error:
                show_error(form, error)
            else:
                messages.success(request, _("Saved in the books."))
                return redirect("savings:book", book_id=book.pk)
        status = 422
    sources = selectors.money_sources(books=[book])
    return render(
        request,
        "savings/book.html",
        {
            "book": book,
            "accounts": book.accounts.order_by("type", "code"),
            "cash_book": selectors.cash_book(book),
            "inflows": selectors.inflows_of(book)[:100],
            "stock": selectors.stock_of(book),
            "assets": book.assets.order_by("acquired_on"),
            "entry_form": entry_form,
            "allocation_form": allocation_form,
            "profit": services.kube_profit(book) if book.kind == Book.Kind.KUBE else None,
            "sources": sources,
            "chart": charts.dependency_trend(
                sources,
                title=_("Where the money of %(book)s came from, by year") % {"book": book.name},
            )
            if sources.by_year
            else None,
            "may_post": services.may_post(request.user, book),
            "members": book.group.members.select_related("person").order_by("person__name")
            if book.group
            else [],
            "activities": _activities(request.user, book),
        },
        status=status,
    )


def _activities(user, book):
    if book.group is None:
        return []
    from berdaya.groups.selectors import meetings_of

    return list(meetings_of(book.group, user=user).prefetch_related("guests")[:30])


def _post_entry(user, book, form):
    data = form.cleaned_data
    key = data["key"]
    if isinstance(form, AllocationForm):
        services.kube_profit_allocate(
            user=user,
            book=book,
            on=data["on"],
            reserve_percent=data["reserve_percent"],
            members_percent=data["members_percent"],
            social_percent=data["social_percent"],
            idempotency_key=key,
        )
        return
    if isinstance(form, InflowForm):
        services.fund_inflow(
            user=user,
            book=book,
            on=data["on"],
            origin=data["origin"],
            amount=data["amount"],
            memo=data["memo"],
            idempotency_key=key,
            stakeholder=_stakeholder(book, data["stakeholder"]),
            aid=data["aid"] or "",
            item=data["item"],
            quantity=data["quantity"],
            unit=data["unit"],
        )
        return
    kind = data["kind"]
    common = {
        "user": user,
        "book": book,
        "on": data["on"],
        "memo": data["memo"],
        "idempotency_key": key,
        "amount": data["amount"],
    }
    if kind == "sale":
        services.kube_sale(item=data["item"], quantity=data["quantity"], **common)
    elif kind == "purchase":
        services.kube_purchase(
            item=data["item"], quantity=data["quantity"], unit=data["unit"], **common
        )
    elif kind == "expense":
        services.kube_expense(**common)
    else:
        services.kube_capital_add(
            origin=data["origin"] or "internal",
            stakeholder=_stakeholder(book, data["stakeholder"]),
            as_loan=data["as_loan"],
            **common,
        )


@GET_POST
def kube_open(request, group_id: int):
    """Open the KUBE's books (a joint business group)."""
    group = group_get(user=request.user, pk=group_id)
    if request.method == "POST":
        try:
            book = services.book_open(user=request.user, group=group, kind=Book.Kind.KUBE)
        except ValidationFailed as error:
            messages.error(request, error.message)
            return redirect("groups:detail", group_id=group.pk)
        return redirect("savings:book", book_id=book.pk)
    book = selectors.book_of_group(user=request.user, group=group, kind=Book.Kind.KUBE)
    if book is not None:
        return redirect("savings:book", book_id=book.pk)
    return render(request, "savings/kube_open.html", {"group": group})


@GET_POST
def village_funds(request, village_code: str):
    """The village's community funds, and a form to start one."""
    village = village_for_user(user=request.user, code=village_code)
    books = selectors.village_books(user=request.user, village_code=village.code)
    form = FundForm(request.POST if request.method == "POST" else None)
    from berdaya.core.workspace import workspace_for

    programme = workspace_for(request).programme
    if request.method == "POST" and form.is_valid():
        organisation_id = programme.organisation_id if programme else None
        try:
            if organisation_id is None:
                raise PermissionDenied(_("Choose a programme first."))
            book = services.fund_create(
                user=request.user,
                organisation_id=organisation_id,
                village_code=village.code,
                programme=programme,
                **form.cleaned_data,
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            return redirect("savings:book", book_id=book.pk)
    sources = selectors.money_sources(user=request.user, village=village.code)
    return render(
        request,
        "savings/village_funds.html",
        {
            "village": village,
            "funds": books.filter(kind=Book.Kind.FUND),
            "others": books.exclude(kind=Book.Kind.FUND),
            "form": form,
            "sources": sources,
            "chart": charts.dependency_trend(
                sources,
                title=_("Where the community's money in %(village)s came from, by year")
                % {"village": village.name},
            )
            if sources.by_year
            else None,
        },
        status=422 if form.errors else 200,
    )


@require_GET
def village_sources(request, village_code: str):
    """Where the village's community money came from: the fragment on the village profile."""
    village = village_for_user(user=request.user, code=village_code)
    sources = selectors.money_sources(user=request.user, village=village.code)
    chart = (
        charts.dependency_trend(
            sources,
            title=_("Where the community's money in %(village)s came from, by year")
            % {"village": village.name},
        )
        if sources.by_year
        else None
    )
    return render(
        request,
        "savings/_sources.html",
        {"sources": sources, "chart": chart, "village": village, "programme": None},
    )


@require_GET
def programme_money(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    sources = selectors.money_sources(user=request.user, programme=programme.pk)
    books = selectors.books_visible_to(request.user).filter(programme=programme)
    return render(
        request,
        "savings/programme_money.html",
        {
            "programme": programme,
            "sources": sources,
            "books": books,
            "years": sorted(sources.by_year.items()),
            "chart": charts.dependency_trend(
                sources,
                title=_("Where the money of %(programme)s's groups and funds came from, by year")
                % {"programme": programme.name},
            )
            if sources.by_year
            else None,
        },
    )


@require_GET
def group_export(request, group_id: int):
    group = group_get(user=request.user, pk=group_id)
    book = selectors.book_of_group(user=request.user, group=group)
    if book is None:
        book = selectors.book_of_group(user=request.user, group=group, kind=Book.Kind.KUBE)
    if book is None:
        messages.error(request, _("This group keeps no books in Berdaya yet."))
        return redirect("groups:detail", group_id=group.pk)
    content = exports.book_xlsx(book, user=request.user)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="buku-{book.pk}.xlsx"'
    return response


@GET_POST
def stakeholders(request):
    """The organisation's stakeholder registry (givers, providers, regulators, partners)."""
    from berdaya.core.workspace import workspace_for

    programme = workspace_for(request).programme
    organisation_id = programme.organisation_id if programme else None
    error = None
    if request.method == "POST":
        try:
            if organisation_id is None:
                raise ValidationFailed(_("Choose a programme first."))
            stakeholder_register(
                user=request.user,
                organisation_id=organisation_id,
                name=request.POST.get("name", ""),
                sector=request.POST.get("sector", ""),
                role=request.POST.get("role", ""),
                notes=request.POST.get("notes", ""),
            )
        except ValidationFailed as failure:
            error = failure.message
        else:
            messages.success(request, _("The stakeholder was registered."))
            return redirect("savings:stakeholders")
    return render(
        request,
        "savings/stakeholders.html",
        {
            "stakeholders": stakeholders_visible_to(request.user, organisation_id=organisation_id)
            if organisation_id
            else [],
            "sectors": Stakeholder.Sector.choices,
            "roles": Stakeholder.Role.choices,
            "error": error,
            "posted": request.POST if error else {},
        },
        status=422 if error else 200,
    )
