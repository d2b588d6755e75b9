"""The plain-Django floor: a filtered 50-row list of the person table with a count, no Berdaya
code (no access rule, no workspace, no base template), the same middleware and session.

The filter is an indexed range (the persons of 100 households from `?from=`, about 400 rows),
so the count is cheap: the floor measures what Django itself costs per request here."""

from django.shortcuts import render

from berdaya.registry.models import Person


def floor(request):
    start = int(request.GET.get("from", "1"))
    rows = Person.objects.filter(household_id__gte=start, household_id__lt=start + 100)
    rows = rows.filter(status="present").order_by("pk")
    context = {
        "count": rows.count(),
        "rows": rows.values("pk", "name", "sex", "birth_date")[:50],
    }
    return render(request, "web/floor.html", context)
