"""Registry pages: the household list, a household over the years, one person's data.

Thin: parse a form, call one selector or service, render. Every object comes through a
selector that applies the access rule, before any input is validated, so an object of
another village answers 404 whatever is posted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.core import crypto
from berdaya.core.access import (
    can_reveal_identifiers,
    organisation_ids_for,
    village_codes_for,
)
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.viewer_figures import household_figures
from berdaya.core.workspace import workspace_for
from berdaya.organisations.models import Role
from berdaya.programmes.selectors import survey_rounds_for

from . import choices, exports, indicators, selectors, services
from .forms import (
    ConsentForm,
    CorrectForm,
    EraseForm,
    ExportForm,
    HouseholdFilterForm,
    LeaveForm,
    MemberForm,
    MergeForm,
    MoveForm,
    RevealForm,
    SplitForm,
    SubjectExportForm,
    SurveyForm,
    WithdrawForm,
    show_error,
)
from .models import Consent, CustomQuestion, Household, HouseholdSurvey, Person, RegistryEvent
from .records import SURVEY_FIELDS

PAGE_SIZE = 25
GET_POST = require_http_methods(["GET", "POST"])


def _no_store(response: HttpResponse) -> HttpResponse:
    # Pages with a full NIK/KK or a personal-data file must not stay in any cache.
    response["Cache-Control"] = "no-store"
    return response


# -- the list ----------------------------------------------------------------------------------


def _filter_form(request, params=None):
    params = request.GET if params is None else params
    user = request.user
    workspace = workspace_for(request)
    default_village = workspace.village.code if workspace.village else ""
    village = params.get("village", default_village)
    form = HouseholdFilterForm(
        params or None,
        villages=selectors.personal_villages(user),
        dusun_names=selectors.dusun_names(user=user, village_code=village or None),
        schemes=selectors.schemes_for(organisation_ids_for(user)),
        initial={"village": default_village, "status": Household.Status.ACTIVE},
    )
    organisation_id = workspace.programme.organisation_id if workspace.programme else None
    return form, form.filters(organisation_id=organisation_id, default_village=default_village)


def _without_identifiers(params) -> QueryDict:
    """The filters for a URL: a NIK/KK searched for becomes its keyed hash (`idx`), so the
    number never reaches an address bar, a server log or a link."""
    query = QueryDict(mutable=True)
    for key in HouseholdFilterForm.base_fields:
        value = params.get(key, "")
        # An empty village is a choice ("all my villages"), not a missing filter.
        if value or (key == "village" and key in params):
            query[key] = value
    digits = selectors.identifier_searched(query.get("q", ""))
    if digits:
        del query["q"]
        query["idx"] = crypto.blind_index(digits)
    return query


@require_http_methods(["GET", "POST"])
def household_list_view(request):
    """GET shows the list; the search form posts (so a NIK typed into it is never in a
    URL) and is answered with the list's address, the number replaced by its hash."""
    if request.method == "POST" or selectors.identifier_searched(request.GET.get("q", "")):
        params = _without_identifiers(request.POST if request.method == "POST" else request.GET)
        url = f"{reverse('registry:household-list')}?{params.urlencode()}"
        if not request.htmx:
            return redirect(url)
        response = _household_list(request, params)
        response["HX-Push-Url"] = url
        return response
    return _household_list(request, request.GET)


def _household_list(request, params):
    form, filters = _filter_form(request, params)
    listed = selectors.household_page(
        user=request.user, filters=filters, number=params.get("page"), per_page=PAGE_SIZE
    )
    personal = bool(village_codes_for(request.user, personal=True))
    context = {
        "figures": [] if personal else household_figures(request.user, Household.objects.all()),
        "form": form,
        "page": listed.page,
        "rows": listed.rows,
        "total": listed.total,
        "limited": listed.limited,
        "many_names": listed.many_names,
        "list_limit": listed.page.paginator.limit,
        "personal": personal,
        "can_register": services.may_import(request.user),
        "query": _without_identifiers(params).urlencode(),
        "by_identifier": bool(filters.identifier_hash),
        "filters_open": any(
            params.get(name) for name in ("dusun", "rw", "rt", "poverty", "scheme", "enrolment")
        ),
    }
    template = (
        "registry/_household_results.html" if request.htmx else "registry/household_list.html"
    )
    return render(request, template, context)


# -- one household -----------------------------------------------------------------------------


def _answer(survey: HouseholdSurvey, name: str) -> str:
    value = getattr(survey, name)
    if value in (None, "", []):
        return "—"
    if name in {"assets", "disasters"}:
        labels = dict((choices.Asset if name == "assets" else choices.Disaster).choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    display = getattr(survey, f"get_{name}_display", None)
    if display:
        return str(display())
    if name == "monthly_expenditure":
        return f"Rp{value:,}".replace(",", ".")
    return str(value)


def survey_answers(
    survey: HouseholdSurvey | None, questions: Sequence[CustomQuestion] = ()
) -> list[tuple[str, str]]:
    """Label and shown value of every answer: Berdaya's questions, then the programme's."""
    if survey is None:
        return []
    shown = [
        (capfirst(HouseholdSurvey._meta.get_field(name).verbose_name), _answer(survey, name))
        for name in SURVEY_FIELDS
    ]
    english = (get_language() or "id").startswith("en")
    asked = {question.name: question for question in questions}
    for question in questions:
        shown.append((question.label(english), _programme_answer(question, survey, english)))
    # Answers to a question no programme of the village asks any more (it moved on).
    for name, value in survey.extra.items():
        if name not in asked and value not in (None, "", []):
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            shown.append((name, text))
    return shown


def _programme_answer(question: CustomQuestion, survey: HouseholdSurvey, english: bool) -> str:
    value = survey.extra.get(question.name)
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    labels = question.choice_labels(english)
    if isinstance(value, list):
        return ", ".join(labels.get(str(code), str(code)) for code in value)
    return labels.get(str(value), str(value))


def _place(details: dict) -> str:
    if not details:
        return ""
    return f"RT {details.get('rt') or '—'}/RW {details.get('rw') or '—'} {details.get('dusun', '')}"


def event_summary(event: RegistryEvent) -> str:
    """A short, readable line for the history (never an identifier: details hold none)."""
    details = event.details or {}
    kind = RegistryEvent.Kind
    if event.kind == kind.HOUSEHOLD_MOVED:
        before, after = details.get("before", {}), details.get("after", {})
        text = f"{_place(before)} → {_place(after)}".strip()
        if before.get("village") != after.get("village"):
            text += " " + _("(to village %(code)s)") % {"code": after.get("village")}
        return text
    if event.kind in {kind.SPLIT, kind.MERGED}:
        return _("%(count)s member(s)") % {"count": details.get("members", "?")}
    if event.kind == kind.CORRECTED:
        return _("Fields: %(fields)s. Reason: %(reason)s") % {
            "fields": ", ".join(details.get("fields", [])),
            "reason": details.get("reason", ""),
        }
    if event.kind == kind.ANONYMISED:
        return _("Reason: %(reason)s") % {"reason": details.get("reason", "")}
    return ""


def _with_ages(persons, today):
    for person in persons:
        person.age = indicators.age_on(person.birth_date, today)
    return persons


@require_GET
def household_detail(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    record = selectors.household_record(household)
    today = timezone.localdate()
    _with_ages(record.present, today)
    _with_ages(record.former, today)
    for event in record.events:
        event.summary = event_summary(event)
    questions = selectors.programme_questions(
        organisation_id=household.organisation_id, village_code=household.village_id
    )
    surveys = [(survey, survey_answers(survey, questions)) for survey in record.surveys]
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "record": record,
            "latest": surveys[0] if surveys else None,
            "earlier": surveys[1:],
            "can_reveal": can_reveal_identifiers(
                request.user,
                organisation_id=household.organisation_id,
                village_code=household.village_id,
            ),
            "today": today,
        },
    )


def _reveal(request, obj, *, field: str, household: Household):
    allowed = can_reveal_identifiers(
        request.user, organisation_id=household.organisation_id, village_code=household.village_id
    )
    form = RevealForm(request.POST if request.method == "POST" else None)
    value = None
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied(
                _("Only managers and administrators can see full NIK/KK numbers.")
            )
        if form.is_valid():
            try:
                value = services.identifier_reveal(
                    user=request.user, obj=obj, purpose=form.cleaned_data["purpose"]
                )
            except ValidationFailed as error:
                show_error(form, error)
    target = f"{field}-{obj._meta.model_name}-{obj.pk}"
    context = {
        "form": form,
        "obj": obj,
        "field": field,
        "label": "KK" if field == "kk" else "NIK",
        "masked": household.kk_masked if field == "kk" else obj.nik_masked,
        "value": value,
        "allowed": allowed,
        "target": target,
        "action": request.path,
        "household": household,
    }
    template = "registry/_reveal.html" if request.htmx else "registry/reveal.html"
    status = 422 if form.errors and not request.htmx else 200
    return _no_store(render(request, template, context, status=status))


@GET_POST
def household_kk_reveal(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    return _reveal(request, household, field="kk", household=household)


@GET_POST
def person_nik_reveal(request, person_id: int):
    person = selectors.person_get(user=request.user, pk=person_id)
    return _reveal(request, person, field="nik", household=person.household)


def _form_page(
    request, form, *, title: str, household: Household, on_valid, template=None, **extra
):
    """GET shows `form`; a valid POST runs `on_valid()` (a service call) and redirects to
    what it returns; a refusal is shown next to its field, keeping what was typed."""
    if request.method == "POST" and form.is_valid():
        try:
            done_url, message = on_valid()
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, message)
            return redirect(done_url)
    context = {"form": form, "title": title, "household": household, **extra}
    status = 422 if form.errors else 200
    return render(request, template or "registry/household_form.html", context, status=status)


def _posted(request):
    return request.POST if request.method == "POST" else None


@GET_POST
def member_add(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    arrival = "joined" if request.GET.get("arrival") == "joined" else "born"
    relation = Person.Relation.CHILD if arrival == "born" else ""
    form = MemberForm(_posted(request), initial={"arrival": arrival, "relation": relation})

    def save():
        data = form.cleaned_data
        person = services.person_add(
            household=household,
            member=form.member(),
            born=data["arrival"] == "born",
            on=data["on"],
            user=request.user,
        )
        return household_url(household), _("%(name)s was added to the household.") % {
            "name": person.name
        }

    title = _("Record a birth") if arrival == "born" else _("Add a member who moved in")
    return _form_page(request, form, title=title, household=household, on_valid=save)


def household_url(household: Household) -> str:
    return reverse("registry:household-detail", args=[household.pk])


@GET_POST
def person_leave(request, person_id: int):
    person = selectors.person_get(user=request.user, pk=person_id)
    household = person.household
    form = LeaveForm(_posted(request), initial={"on": timezone.localdate()})

    def save():
        data = form.cleaned_data
        services.person_leave(
            person=person, reason=data["reason"], on=data["on"], user=request.user
        )
        return household_url(household), _("The change was recorded in the history.")

    return _form_page(
        request,
        form,
        title=_("%(name)s died or moved out") % {"name": person.name},
        household=household,
        on_valid=save,
    )


@GET_POST
def household_move(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    villages = selectors.move_villages(user=request.user, household=household)
    form = MoveForm(
        _posted(request),
        villages=villages,
        initial={
            "on": timezone.localdate(),
            "village": household.village_id,
            "dusun": household.dusun,
            "rw": household.rw,
            "rt": household.rt,
            "address": household.address,
        },
    )

    def save():
        data = form.cleaned_data
        services.household_move(
            household=household,
            on=data["on"],
            village=villages.get(code=data["village"]),
            dusun=data["dusun"],
            rw=data["rw"],
            rt=data["rt"],
            address=data["address"],
            user=request.user,
        )
        return household_url(household), _(
            "The move was recorded; the old address stays in the history."
        )

    return _form_page(request, form, title=_("Move house"), household=household, on_valid=save)


SAME_AGAIN = "same_again"


def _plain(value):
    if value in (None, "", []):
        return None
    return sorted(value) if isinstance(value, list) else value


def _unchanged(latest: HouseholdSurvey | None, form: SurveyForm) -> bool:
    """Whether a valid survey form repeats the latest survey's answers exactly."""
    if latest is None or not form.is_valid():
        return False
    answers = form.answers()
    same = all(_plain(answers[name]) == _plain(getattr(latest, name)) for name in answers)
    extra = {k: v for k, v in (latest.extra or {}).items() if v not in (None, "", [])}
    return same and form.programme_answers() == extra


@GET_POST
def survey_add(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    questions = selectors.programme_questions(
        organisation_id=household.organisation_id, village_code=household.village_id
    )
    form = SurveyForm(
        _posted(request),
        questions=questions,
        rounds=survey_rounds_for(
            organisation_id=household.organisation_id, village_code=household.village_id
        ),
        initial=SurveyForm.initial_from(household.latest_survey, questions),
    )

    def save():
        if _unchanged(household.latest_survey, form) and not request.POST.get(SAME_AGAIN):
            raise ValidationFailed(
                _(
                    "These are the same answers as the latest survey. Record them again as "
                    "a new survey (a revisit found nothing changed)?"
                )
            )
        services.household_survey_record(
            household=household,
            survey=form.answers(),
            surveyed_on=form.cleaned_data["surveyed_on"],
            user=request.user,
            programme_answers=form.programme_answers(),
            survey_round=form.cleaned_data.get("survey_round"),
        )
        return household_url(household), _("The survey was recorded; earlier surveys are kept.")

    return _form_page(
        request,
        form,
        title=_("New survey of living conditions"),
        household=household,
        on_valid=save,
        same_again=SAME_AGAIN
        if request.method == "POST" and _unchanged(household.latest_survey, form)
        else "",
        intro=_("The answers of the latest survey are filled in: change what is different now."),
    )


@GET_POST
def household_split(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    present = [m for m in household.members.all() if m.status == Person.Status.PRESENT]
    form = SplitForm(_posted(request), members=present, initial={"on": timezone.localdate()})

    def save():
        data = form.cleaned_data
        new = services.household_split(
            household=household,
            member_ids=[int(pk) for pk in data["members"]],
            new_head_id=int(data["new_head"]),
            on=data["on"],
            kk=data["kk"],
            user=request.user,
        )
        return household_url(new), _("The new household was registered.")

    return _form_page(
        request, form, title=_("Split the household"), household=household, on_valid=save
    )


@GET_POST
def household_merge(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    targets = selectors.merge_targets(user=request.user, household=household)
    form = MergeForm(_posted(request), targets=targets, initial={"on": timezone.localdate()})

    def save():
        target = selectors.household_get(user=request.user, pk=int(form.cleaned_data["target"]))
        services.household_merge(
            source=household, target=target, on=form.cleaned_data["on"], user=request.user
        )
        return household_url(target), _("The households were merged.")

    return _form_page(
        request,
        form,
        title=_("Merge into another household"),
        household=household,
        on_valid=save,
        intro=_("The present members join the other household; this one is closed, not deleted."),
    )


@GET_POST
def consent_add(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    present = [m for m in household.members.all() if m.status == Person.Status.PRESENT]
    form = ConsentForm(
        _posted(request),
        members=present,
        initial={"given_on": timezone.localdate(), "purpose": Consent.Purpose.MAPPING},
    )

    def save():
        data = form.cleaned_data
        services.consent_record(
            household=household,
            purpose=data["purpose"],
            given_on=data["given_on"],
            given_by=next(m for m in present if str(m.pk) == data["given_by"]),
            user=request.user,
        )
        return household_url(household), _("The consent was recorded.")

    return _form_page(request, form, title=_("Record consent"), household=household, on_valid=save)


@GET_POST
def consent_withdraw(request, consent_id: int):
    consent = selectors.consent_get(user=request.user, pk=consent_id)
    household = consent.household
    form = WithdrawForm(_posted(request), initial={"withdrawn_on": timezone.localdate()})

    def save():
        if consent.withdrawn_on:
            raise ValidationFailed(_("This consent was already withdrawn."))
        services.consent_withdraw(consent=consent, on=form.cleaned_data["withdrawn_on"])
        return household_url(household), _("The withdrawal was recorded.")

    return _form_page(
        request,
        form,
        title=_("Withdraw consent: %(purpose)s") % {"purpose": consent.get_purpose_display()},
        household=household,
        on_valid=save,
    )


# -- one person --------------------------------------------------------------------------------


def _handles_requests(user, person: Person) -> bool:
    """Data-subject requests (export, correct, erase) are for managers and administrators."""
    return can_reveal_identifiers(
        user, organisation_id=person.organisation_id, village_code=person.household.village_id
    )


@require_GET
def person_detail(request, person_id: int):
    person = selectors.person_get(user=request.user, pk=person_id)
    handles = _handles_requests(request.user, person)
    person.age = indicators.age_on(person.birth_date, timezone.localdate())
    events = list(selectors.person_events(person))
    for event in events:
        event.summary = event_summary(event)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "household": person.household,
            "events": events,
            "handles_requests": handles,
            "accesses": selectors.person_accesses(person)[:50] if handles else [],
            "disabilities": [
                str(dict(choices.Disability.choices).get(d, d)) for d in person.disabilities
            ],
        },
    )


def _subject_request(request, person: Person, form, *, title: str, intro: str, on_valid):
    handles = _handles_requests(request.user, person)
    if request.method == "POST":
        if not handles:
            raise PermissionDenied(
                _("Only managers and administrators handle data-subject requests.")
            )
        if form.is_valid():
            try:
                return on_valid()
            except ValidationFailed as error:
                show_error(form, error)
    context = {
        "person": person,
        "household": person.household,
        "form": form,
        "title": title,
        "intro": intro,
        "handles_requests": handles,
    }
    status = 422 if form.errors else 200
    return render(request, "registry/person_request.html", context, status=status)


@GET_POST
def person_export(request, person_id: int):
    person = selectors.person_get(user=request.user, pk=person_id)
    form = SubjectExportForm(_posted(request))

    def download():
        data = services.person_export(user=request.user, person=person)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        name = f"berdaya-data-pribadi-{person.pk}-{timezone.localdate():%Y%m%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return _no_store(response)

    return _subject_request(
        request,
        person,
        form,
        title=_("Download everything about %(name)s") % {"name": person.name},
        intro=_(
            "A JSON file with every field Berdaya holds about this person and their household, "
            "including the full NIK and KK, for a data-subject access request (UU PDP art. 32). "
            "The download is recorded."
        ),
        on_valid=download,
    )


@GET_POST
def person_correct(request, person_id: int):
    person = selectors.person_get(user=request.user, pk=person_id)
    form = CorrectForm(_posted(request), initial=CorrectForm.initial_from(person))

    def save():
        changes = form.changes()
        if not changes:
            raise ValidationFailed(_("Nothing was changed."))
        services.person_correct(
            user=request.user, person=person, changes=changes, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The correction was recorded with its reason."))
        return redirect("registry:person-detail", person_id=person.pk)

    return _subject_request(
        request,
        person,
        form,
        title=_("Correct the data of %(name)s") % {"name": person.name},
        intro=_("Change what is wrong; the reason and the fields changed are kept in the history."),
        on_valid=save,
    )


@GET_POST
def person_erase(request, person_id: int):
    person = selectors.person_get(user=request.user, pk=person_id)
    form = EraseForm(_posted(request))

    def erase():
        services.person_erase(user=request.user, person=person, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("The personal data was erased. The village figures are unchanged."),
        )
        return redirect("registry:person-detail", person_id=person.pk)

    return _subject_request(
        request,
        person,
        form,
        title=_("Erase the data of %(name)s") % {"name": person.name},
        intro=_(
            "The name, NIK and exact birth date are removed for good (the birth year stays), "
            "and so is the audit trail of this person's row. Sex, age and the household's "
            "survey answers stay, so the village figures do not change, and money records "
            "that point to this person still add up."
        ),
        on_valid=erase,
    )


# -- exports -----------------------------------------------------------------------------------


@GET_POST
def household_export(request):
    personal = bool(village_codes_for(request.user, personal=True))
    filter_form, filters = _filter_form(request)
    households, _statuses = selectors.household_filter(user=request.user, filters=filters)
    form = ExportForm(
        _posted(request), initial={"level": exports.HOUSEHOLDS, "file_format": exports.CSV}
    )
    may_identify = bool(organisation_ids_for(request.user, roles={Role.ADMIN, Role.MANAGER}))
    if not may_identify:
        del form.fields["identified"], form.fields["purpose"]
    if request.method == "POST":
        if not personal:
            raise PermissionDenied(_("Your role shows aggregate figures only."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                file = exports.registry_export(
                    user=request.user,
                    households=households,
                    level=data["level"],
                    file_format=data["file_format"],
                    identified=data.get("identified", False),
                    purpose=data.get("purpose", ""),
                )
            except ValidationFailed as error:
                show_error(form, error)
            else:
                response = HttpResponse(file.content, content_type=file.content_type)
                response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
                return _no_store(response)
    context = {
        "form": form,
        "filter_form": filter_form,
        "count": households.count() if personal else 0,
        "personal": personal,
        "may_identify": may_identify,
        "query": request.GET.urlencode(),
        # The analysis exports (views_analysis): per village, and the workspace's programme.
        "analysis_villages": selectors.personal_villages(request.user) if personal else [],
        "analysis_programme": workspace_for(request).programme if personal else None,
    }
    return render(request, "registry/export.html", context, status=422 if form.errors else 200)
