"""The plain-Django floor: 50 filtered rows of the person table with a count, no Berdaya code
(no access rule, no workspace, no base template), the same middleware."""

from django.shortcuts import render

from berdaya.registry.models import Person


def floor(request):
    rows = Person.objects.filter(household__village_id=request.GET.get("village", ""))
    rows = rows.filter(status="present").order_by("pk")
    context = {
        "count": rows.count(),
        "rows": rows.values("pk", "name", "sex", "birth_date")[:50],
    }
    return render(request, "web/floor.html", context)
