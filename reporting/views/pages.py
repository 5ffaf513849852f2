"""The public results pages: no login, published results only (reporting/pages/content.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reporting.pages import content as pages


def _not_found(request: HttpRequest, error: pages.PageNotFound) -> HttpResponse:
    return render(request, "reporting/not_found.html", {"error": error}, status=404)


def results_index(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/results_index.html", {"years": pages.results_index()})


def country_page(request: HttpRequest, year: int) -> HttpResponse:
    try:
        page = pages.country_page(year=year)
    except pages.PageNotFound as error:
        return _not_found(request, error)
    return render(request, "reporting/country_page.html", {"page": page})


def county_page(request: HttpRequest, year: int, county_code: str) -> HttpResponse:
    try:
        page = pages.county_page(year=year, county_code=county_code)
    except pages.PageNotFound as error:
        return _not_found(request, error)
    return render(request, "reporting/county_page.html", {"page": page})


def unit_page(request: HttpRequest, year: int, code: str) -> HttpResponse:
    try:
        page = pages.unit_page(year=year, code=code)
    except pages.PageNotFound as error:
        return _not_found(request, error)
    return render(request, "reporting/unit_page.html", {"page": page})
