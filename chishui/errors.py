"""The one 400 page of the pages of figures (dashboards, organization overview, satisfaction
results): a bad period, year, format or table in the query string, said in Chinese, with a
link back to the page without the query."""

from django.shortcuts import render


def bad_request(request, message, back_label):
    return render(request, "bad_query.html", {"message": message, "back_label": back_label}, status=400)
