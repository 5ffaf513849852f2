"""The open API: the published results in Kolada's v3 paths and shapes, read-only and without login,
and the CSV download of every published value. Ids, values and the fields we fill differently from
Kolada are described in reporting/selectors/kolada.py and the README ("Open API")."""

from collections.abc import Iterable
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from reporting.selectors import kolada
from reporting.selectors.published import published_results
from reporting.serializers import DataPageSerializer, ErrorSerializer, KpiPageSerializer, MunicipalityPageSerializer

TAG = "Öppna data (Kolada v3)"
CSV_FILENAME = "publicerade-varden.csv"


class OpenDataThrottle(AnonRateThrottle):
    """Per client address; generous, since a municipality's staff share one."""

    scope = "kolada"
    rate = "1200/minute"


class OpenApiView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]

    def handle_exception(self, exc: Exception) -> ApiResponse:
        if isinstance(exc, kolada.InvalidQuery):
            return ApiResponse(exc.as_json(), status=400)
        return super().handle_exception(exc)


def _positive(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    text = request.query_params.get(name, str(default))
    number = int(text) if text.isascii() and text.isdigit() else 0
    if number < 1 and maximum is None:
        raise kolada.InvalidQuery(
            gettext_noop("%(name)s must be a whole number from 1."), parameter=name, invalid=[text], name=name
        )
    if number < 1 or (maximum is not None and number > maximum):
        raise kolada.InvalidQuery(
            gettext_noop("%(name)s must be a whole number from 1 to %(max)s."),
            parameter=name,
            invalid=[text],
            name=name,
            max=maximum,
        )
    return number


def paged(request: Request, items: Iterable[dict]) -> ApiResponse:
    """A page of `items` in Kolada's envelope: count (on this page), values, next_url and
    previous_url (absolute; absent on the last and the first page)."""
    per_page = _positive(request, "per_page", kolada.MAX_PER_PAGE, kolada.MAX_PER_PAGE)
    page = _positive(request, "page", 1, kolada.MAX_PAGE)
    start = (page - 1) * per_page
    window = list(islice(items, start, start + per_page + 1))
    if page > 1 and not window:
        raise kolada.InvalidQuery(
            gettext_noop("page %(page)s is past the last page: there are no rows from row %(first)s on."),
            parameter="page",
            invalid=[str(page)],
            page=page,
            first=start + 1,
        )
    values = window[:per_page]
    body: dict = {"count": len(values), "values": values}

    def url(number: int) -> str:
        params = request.query_params.copy()
        params["page"], params["per_page"] = str(number), str(per_page)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    if len(window) > per_page:
        body["next_url"] = url(page + 1)
    if page > 1:
        body["previous_url"] = url(page - 1)
    return ApiResponse(body)


PAGING = [
    OpenApiParameter("page", int, description="The page, from 1 (default 1); a page after the last is refused (400)."),
    OpenApiParameter("per_page", int, description="Rows a page, 1–5000 (default 5000)."),
]
TITLE = OpenApiParameter("title", str, description="Only those whose title contains this (any case).")
ID_LIST = OpenApiParameter("id", str, description="Only these ids: comma-separated, at most 25.")


def _path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.PATH, description=description)


KPI = _path("kpi", "Indicator codes, comma-separated, at most 25 (e.g. VINR02,VINR03).")
MUNICIPALITY = _path(
    "municipality",
    "Ids, comma-separated, at most 25: municipality 0880, city district 0180-08, county 0001 (00 and the county "
    "code), the country 0000, group G-skr-2017-A1 or G-population-P3. See /api/v3/municipality.",
)
YEARS = _path("years", "Years, comma-separated, at most 25 (e.g. 2023,2024). An unpublished year has no rows.")
ERRORS = {400: ErrorSerializer}


class KpiList(OpenApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_kpi_list",
        summary="Published indicators (kpi)",
        description="Every indicator or key figure with a published year, described by its latest published "
        "definition.",
        parameters=[TITLE, ID_LIST, *PAGING],
        responses={200: KpiPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> ApiResponse:
        return self.answer(request, request.query_params.get("id"))

    def answer(self, request: Request, ids: str | None) -> ApiResponse:
        metadata = kolada.kpi_metadata(published_results())
        if ids is not None:
            wanted = set(kolada.parse_kpis(ids, [item["id"] for item in metadata]))
            metadata = [item for item in metadata if item["id"] in wanted]
        title = request.query_params.get("title", "").strip().casefold()
        if title:
            metadata = [item for item in metadata if title in item["title"].casefold()]
        return paged(request, metadata)


class KpiDetail(KpiList):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_kpi_detail",
        summary="Chosen indicators (kpi)",
        parameters=[_path("ids", "Indicator codes, comma-separated, at most 25."), TITLE, *PAGING],
        responses={200: KpiPageSerializer, **ERRORS},
    )
    def get(self, request: Request, ids: str) -> ApiResponse:
        return self.answer(request, ids)


class MunicipalityList(OpenApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_municipality_list",
        summary="Units and areas (municipality)",
        description="Municipalities (type K), city districts (S), counties and the country (L) and groups (G), "
        "with the ids the data endpoints take.",
        parameters=[TITLE, ID_LIST, *PAGING],
        responses={200: MunicipalityPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> ApiResponse:
        return self.answer(request, request.query_params.get("id"))

    def answer(self, request: Request, ids: str | None) -> ApiResponse:
        known = kolada.places()
        chosen = list(known.values())
        if ids is not None:
            wanted = {place.id for place in kolada.parse_places(ids, known)}
            chosen = [place for place in chosen if place.id in wanted]
        title = request.query_params.get("title", "").strip().casefold()
        if title:
            chosen = [place for place in chosen if title in place.title.casefold()]
        return paged(request, [{"id": place.id, "title": place.title, "type": place.type} for place in chosen])


class MunicipalityDetail(MunicipalityList):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_municipality_detail",
        summary="Chosen units and areas (municipality)",
        parameters=[_path("ids", "Ids, comma-separated, at most 25."), TITLE, *PAGING],
        responses={200: MunicipalityPageSerializer, **ERRORS},
    )
    def get(self, request: Request, ids: str) -> ApiResponse:
        return self.answer(request, ids)


class DataView(OpenApiView):
    """Rows of two or three of kpi, municipality and years; the one left out means all."""

    def answer(
        self, request: Request, *, kpi: str | None = None, municipality: str | None = None, years: str | None = None
    ) -> ApiResponse:
        published = published_results()
        known = kolada.places()
        rows = kolada.data_rows(
            published,
            known,
            kpis=kolada.parse_kpis(kpi, kolada.published_kpis(published)) if kpi is not None else None,
            chosen=kolada.parse_places(municipality, known) if municipality is not None else None,
            years=kolada.parse_years(years) if years is not None else None,
        )
        return paged(request, (row.as_kolada() for row in rows))


DATA_DESCRIPTION = (
    "Published values only, ordered by year, kpi and id. Indicator: a unit 100 (fulfilled) or 0 (not), an area the "
    "share of its units with a value that fulfil it, in percent with one decimal; key figure: the number, for an "
    "area the sum. count: 1 for a unit, the units with a value for an area. No value: value null, status Saknas."
)


class DataKpiMunicipalityYear(DataView):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_data_kpi_municipality_year",
        summary="Values of indicators, units and years",
        description=DATA_DESCRIPTION,
        parameters=[KPI, MUNICIPALITY, YEARS, *PAGING],
        responses={200: DataPageSerializer, **ERRORS},
    )
    def get(self, request: Request, kpi: str, municipality: str, years: str) -> ApiResponse:
        return self.answer(request, kpi=kpi, municipality=municipality, years=years)


class DataKpiYear(DataView):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_data_kpi_year",
        summary="Values of indicators and years, every unit and area",
        description=DATA_DESCRIPTION,
        parameters=[KPI, YEARS, *PAGING],
        responses={200: DataPageSerializer, **ERRORS},
    )
    def get(self, request: Request, kpi: str, years: str) -> ApiResponse:
        return self.answer(request, kpi=kpi, years=years)


class DataMunicipalityYear(DataView):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_data_municipality_year",
        summary="Values of units and years, every indicator",
        description=DATA_DESCRIPTION,
        parameters=[MUNICIPALITY, YEARS, *PAGING],
        responses={200: DataPageSerializer, **ERRORS},
    )
    def get(self, request: Request, municipality: str, years: str) -> ApiResponse:
        return self.answer(request, municipality=municipality, years=years)


class DataKpiMunicipality(DataView):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_data_kpi_municipality",
        summary="Values of indicators and units, every published year",
        description=DATA_DESCRIPTION,
        parameters=[KPI, MUNICIPALITY, *PAGING],
        responses={200: DataPageSerializer, **ERRORS},
    )
    def get(self, request: Request, kpi: str, municipality: str) -> ApiResponse:
        return self.answer(request, kpi=kpi, municipality=municipality)


class FirstRenderer(BaseContentNegotiation):
    """The CSV is the answer whatever the client accepts (an Accept: text/csv would otherwise be 406)."""

    def select_parser(self, request: Request, parsers: list) -> object:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


class PublishedValuesCsv(OpenApiView):
    content_negotiation_class = FirstRenderer

    @extend_schema(
        tags=[TAG],
        operation_id="kolada_published_csv",
        summary="Every published value as CSV",
        description="UTF-8 without BOM, comma-separated, CRLF, a header row: "
        + ",".join(kolada.CSV_HEADER)
        + ". One row per year, kpi and id (units, counties, the country and groups) as in the data endpoints; "
        "type K/S/L/G; source computed or imported for a unit, empty for an area; revision and published: the "
        "year's latest publication. Text beginning with = + - @ tab or CR has a ' in front.",
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        rows = kolada.all_rows()  # loaded now; only the writing streams
        response = StreamingHttpResponse(kolada.csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{CSV_FILENAME}"'
        return response
