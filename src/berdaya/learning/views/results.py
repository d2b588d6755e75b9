"""The results framework: the logframe, each indicator's targets and actuals, the export."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.forms import show_error
from berdaya.registry.exports import FORMULA_STARTS

from .. import charts, services
from ..arithmetic import Value
from ..forms import (
    CATEGORY_LABELS,
    DIMENSION_LABELS,
    ActualForm,
    IndicatorForm,
    NodeForm,
    TargetForm,
)
from ..selectors import results as selectors
from ..templatetags.learning import exact
from ._common import GET_POST, posted, programme_context


@GET_POST
def results_page(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    nodes = list(programme.results.order_by("code"))
    node_form = NodeForm(posted(request) if "add_node" in request.POST else None, nodes=nodes)
    indicator_form = IndicatorForm(
        posted(request) if "add_indicator" in request.POST else None,
        nodes=nodes,
        villages=context["villages"],
    )
    if request.method == "POST":
        if not context["manages"]:
            raise PermissionDenied(_("Only the programme's managers change its results."))
        try:
            if "add_node" in request.POST and node_form.is_valid():
                data = node_form.cleaned_data
                services.result_node_create(
                    programme=programme,
                    level=data["level"],
                    parent=next((n for n in nodes if str(n.pk) == data["parent"]), None),
                    code=data["code"],
                    statement=data["statement"],
                    user=request.user,
                )
                messages.success(request, _("Saved."))
                return redirect("learning:results", programme_id=programme.pk)
            if "add_indicator" in request.POST and indicator_form.is_valid():
                data = indicator_form.cleaned_data
                baseline = (
                    Value(data["baseline_numerator"], data["baseline_denominator"])
                    if data["baseline_numerator"] is not None
                    else None
                )
                indicator = services.indicator_create(
                    node=next(n for n in nodes if str(n.pk) == data["node"]),
                    name=data["name"],
                    kind=data["kind"],
                    direction=data["direction"],
                    unit=data["unit"],
                    calculator=data["source"],
                    village_code=data["village"] or None,
                    baseline=baseline,
                    baseline_on=data["baseline_on"],
                    means_of_verification=data["means_of_verification"],
                    disaggregations=data["disaggregations"],
                    user=request.user,
                )
                messages.success(request, _("Saved."))
                return redirect("learning:indicator", indicator_id=indicator.pk)
        except ValidationFailed as error:
            show_error(node_form if "add_node" in request.POST else indicator_form, error)
    context.update(
        framework=selectors.framework(user=request.user, programme=programme),
        periods=list(programme.reporting_periods.order_by("starts_on")),
        node_form=node_form,
        indicator_form=indicator_form,
    )
    invalid = node_form.errors or indicator_form.errors
    return render(request, "learning/results.html", context, status=422 if invalid else 200)


def _indicator_page(request, indicator, *, status=200, target_form=None, actual_form=None):
    from berdaya.programmes.selectors import may_manage, programme_villages

    row = selectors.indicator_row(indicator)
    periods = [cell.period for cell in row.cells]
    villages = list(programme_villages(user=request.user, programme=indicator.programme))
    chart = charts.progress(
        [(c.period.label, i, c.target, c.actual) for i, c in enumerate(row.cells)],
        title=_("Target and actual: %(name)s") % {"name": indicator.name},
        target_label=_("Target"),
        actual_label=_("Actual"),
        unit=indicator.unit,
    )
    labels = dict(DIMENSION_LABELS)
    names = {v.code: v.name for v in villages}
    breakdowns = []
    for cell in row.cells:
        if cell.actual_row is None:
            continue
        parts = selectors.breakdown(cell.actual_row)
        breakdowns.append(
            (
                cell,
                [
                    (
                        labels.get(dimension, dimension),
                        [(CATEGORY_LABELS.get(c) or names.get(c, c), n, d) for c, n, d in rows],
                    )
                    for dimension, rows in parts.items()
                ],
            )
        )
    manages = may_manage(request.user, indicator.programme)
    context = {
        "programme": indicator.programme,
        "indicator": indicator,
        "row": row,
        "chart": chart,
        "breakdowns": breakdowns,
        "manages": manages,
        "target_form": target_form or TargetForm(periods=periods),
        "actual_form": actual_form
        or ActualForm(periods=periods, indicator=indicator, villages=villages),
    }
    return render(request, "learning/indicator.html", context, status=status)


@require_GET
def indicator_page(request, indicator_id: int):
    return _indicator_page(request, selectors.indicator_get(user=request.user, pk=indicator_id))


def _period(indicator, pk):
    return indicator.programme.reporting_periods.get(pk=pk)


@require_POST
def indicator_target(request, indicator_id: int):
    indicator = selectors.indicator_get(user=request.user, pk=indicator_id)
    periods = list(indicator.programme.reporting_periods.order_by("starts_on"))
    form = TargetForm(request.POST, periods=periods)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.target_set(
                indicator=indicator,
                period=_period(indicator, data["period"]),
                value=Value(data["numerator"], data["denominator"]),
                user=request.user,
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("learning:indicator", indicator_id=indicator.pk)
    return _indicator_page(request, indicator, status=422, target_form=form)


@require_POST
def indicator_actual(request, indicator_id: int):
    from berdaya.programmes.selectors import programme_villages

    indicator = selectors.indicator_get(user=request.user, pk=indicator_id)
    periods = list(indicator.programme.reporting_periods.order_by("starts_on"))
    villages = list(programme_villages(user=request.user, programme=indicator.programme))
    form = ActualForm(request.POST, periods=periods, indicator=indicator, villages=villages)
    if form.is_valid():
        try:
            period = _period(indicator, form.cleaned_data["period"])
            if indicator.source == indicator.Source.COMPUTED:
                services.indicator_refresh(indicator=indicator, period=period, user=request.user)
            else:
                services.actual_record(
                    indicator=indicator,
                    period=period,
                    user=request.user,
                    total=form.total(),
                    parts=form.parts(),
                    evidence=form.cleaned_data["evidence"],
                )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("learning:indicator", indicator_id=indicator.pk)
    return _indicator_page(request, indicator, status=422, actual_form=form)


def _text(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


@require_GET
def results_export(request, programme_id: int):
    """The indicator table as XLSX: one row per indicator, target and actual per period.

    Values are written as numbers (percentages as percentages); typed text is written as
    text cells, so a statement that starts with "=" never becomes a formula."""
    from openpyxl import Workbook

    programme, _context = programme_context(request, programme_id)
    nodes = selectors.framework(user=request.user, programme=programme)
    periods = list(programme.reporting_periods.order_by("starts_on"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Indicators")[:31])
    header = [_("Code"), _("Result"), _("Indicator"), _("Unit"), _("Baseline")]
    for period in periods:
        header += [f"{period.label} · {_('Target')}", f"{period.label} · {_('Actual')}"]
    header += [_("Means of verification"), _("As of")]
    sheet.append(header)
    for view in nodes:
        for row in view.rows:
            indicator = row.indicator
            values = [
                _text(sheet, view.node.code),
                _text(sheet, view.node.statement),
                _text(sheet, indicator.name),
                _text(sheet, indicator.unit),
                exact(row.baseline) if row.baseline is not None else None,
            ]
            as_of = ""
            for cell in row.cells:
                for value in (cell.target, cell.actual):
                    values.append(float(value) if value is not None else None)
                if cell.actual_row is not None and cell.actual_row.as_of:
                    as_of = cell.actual_row.as_of.strftime("%Y-%m-%d %H:%M")
            values += [_text(sheet, indicator.means_of_verification), _text(sheet, as_of)]
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="indikator.xlsx"'
    return response
