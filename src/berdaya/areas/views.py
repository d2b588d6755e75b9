from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import village_search


@require_GET
def search(request):
    """Find a village by name or Kemendagri code (public reference data)."""
    query = request.GET.get("q", "")
    villages = village_search(query=query)
    template = "areas/_village_results.html" if request.htmx else "areas/search.html"
    return render(request, template, {"villages": villages, "query": query})
