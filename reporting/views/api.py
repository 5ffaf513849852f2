"""The open API: the published results in Kolada's v3 paths and shapes, read-only and without login,
and the CSV download of every published value. Ids, values and the fields we fill differently from
Kolada are described in reporting/selectors/kolada.py and the README ("Open API")."""

from abc import ABC, abstractmethod
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
from reporting.serializers import (
    DataPageSerializer,
    ErrorSerializer,
    GroupPageSerializer,
    KpiPageSerializer,
    MunicipalityPageSerializer,
)

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


PAGING_NAMES = {"page", "per_page"}


class Filters:
    """The query parameters of a request, checked against what the endpoint takes: Kolada's filters
    that work here, and those Kolada documents that do not (a 400 saying so, never ignored); any
    other name is a 400 too. A list parameter may be repeated (`?id=a&id=b`, as requests sends a
    list) or comma-separated."""

    def __init__(self, request: Request, *, supported: set[str], unsupported: set[str] = frozenset(),
                 lists: set[str] = frozenset()) -> None:  # fmt: skip
        self.params = request.query_params
        self.lists = lists
        for name in self.params:
            if name in supported or name in PAGING_NAMES:
                values = self.params.getlist(name)
                if len(values) > 1 and name not in lists:
                    raise kolada.InvalidQuery(
                        gettext_noop("%(name)s is given more than once."), parameter=name, invalid=values, name=name
                    )
            elif name in unsupported:
                raise kolada.InvalidQuery(
                    gettext_noop("The Kolada filter %(name)s is not supported by this endpoint."),
                    parameter=name,
                    invalid=self.params.getlist(name),
                    name=name,
                )
            else:
                raise kolada.InvalidQuery(
                    gettext_noop("Unknown parameter %(name)s. This endpoint takes: %(names)s."),
                    parameter=name,
                    invalid=[name],
                    name=name,
                    names=", ".join(sorted(supported | PAGING_NAMES)),
                )

    def get(self, name: str) -> str | None:
        if name not in self.params:
            return None
        if name in self.lists:
            return ",".join(self.params.getlist(name))
        return self.params.get(name)

    def contains(self, name: str) -> str:
        return (self.get(name) or "").strip().casefold()

    def choice(self, name: str, choices: list[str]) -> str | None:
        value = self.get(name)
        if value is not None and value.upper() not in choices:
            raise kolada.InvalidQuery(
                gettext_noop("%(name)s must be one of %(choices)s."),
                parameter=name,
                invalid=[value],
                name=name,
                choices=", ".join(choices),
            )
        return None if value is None else value.upper()


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
ID_LIST = OpenApiParameter(
    "id",
    str,
    description="Only these ids: comma-separated (or the parameter repeated), at most 25. Unknown ids are left "
    "out, as in Kolada; a malformed id is refused (400).",
)
NOT_SUPPORTED = "A Kolada filter this API does not support: refused with 400 saying so, never ignored."
FROM_DATE_UNSUPPORTED = OpenApiParameter("from_date", str, description=NOT_SUPPORTED + " (Metadata has no history.)")


def _path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.PATH, description=description)


KPI_FILTERS = [
    OpenApiParameter("description", str, description="Only those whose description contains this (any case)."),
    OpenApiParameter("operating_area", str, description="Only those whose operating area contains this (any case)."),
    OpenApiParameter(
        "municipality_type", str, description="K, L or A: only those of this type (all ours are K: units answer)."
    ),
]
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
        "definition. publication_date is the next expected publication (see its description).",
        parameters=[TITLE, ID_LIST, *KPI_FILTERS, FROM_DATE_UNSUPPORTED, *PAGING],
        responses={200: KpiPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> ApiResponse:
        return self.answer(request, None)

    def answer(self, request: Request, ids: str | None) -> ApiResponse:
        filters = Filters(
            request,
            supported={"title", "description", "operating_area", "municipality_type"}
            | ({"id"} if ids is None else set()),
            unsupported={"from_date"},
            lists={"id"},
        )
        ids = ids if ids is not None else filters.get("id")
        metadata = kolada.kpi_metadata(published_results())
        if ids is not None:
            wanted = set(kolada.parse_kpis(ids, [item["id"] for item in metadata]))
            metadata = [item for item in metadata if item["id"] in wanted]
        for name in ("title", "description", "operating_area"):
            text = filters.contains(name)
            if text:
                metadata = [item for item in metadata if text in item[name].casefold()]
        municipality_type = filters.choice("municipality_type", ["K", "L", "A"])
        if municipality_type:
            metadata = [item for item in metadata if item["municipality_type"] == municipality_type]
        return paged(request, metadata)


class KpiDetail(KpiList):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_kpi_detail",
        summary="Chosen indicators (kpi)",
        parameters=[
            _path("ids", "Indicator codes, comma-separated, at most 25; unknown ones are left out."),
            TITLE,
            *KPI_FILTERS,
            FROM_DATE_UNSUPPORTED,
            *PAGING,
        ],
        responses={200: KpiPageSerializer, **ERRORS},
    )
    def get(self, request: Request, ids: str) -> ApiResponse:
        return self.answer(request, ids)


MUNICIPALITY_DESCRIPTION = (
    "Municipalities (type K) and the counties and the country (L), as in Kolada, with the ids the data endpoints "
    "take. City districts (S) are not in Kolada: they are listed only when asked for (type=S, or by id), so that a "
    "client that expects Kolada's K and L gets just those. Groups (G) are at /api/v3/municipality_groups with "
    "their members, as in Kolada. Stockholm (0180) and Göteborg (1480) answer through their districts: their "
    "rows in the data endpoints are the aggregate of their districts, as a county's are of its municipalities "
    "(count: the districts with a value), and aggregate_of lists those districts."
)
MUNICIPALITY_FILTERS = [
    OpenApiParameter(
        "type",
        str,
        description="K, L or S: only this type (without it: K and L). G is refused: see /api/v3/municipality_groups.",
    ),
    OpenApiParameter("region_type", str, description=NOT_SUPPORTED + " (No region types here.)"),
    FROM_DATE_UNSUPPORTED,
]


class MunicipalityList(OpenApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_municipality_list",
        summary="Units and areas (municipality)",
        description=MUNICIPALITY_DESCRIPTION,
        parameters=[TITLE, ID_LIST, *MUNICIPALITY_FILTERS, *PAGING],
        responses={200: MunicipalityPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> ApiResponse:
        return self.answer(request, None)

    def answer(self, request: Request, ids: str | None) -> ApiResponse:
        filters = Filters(
            request,
            supported={"title", "type"} | ({"id"} if ids is None else set()),
            unsupported={"region_type", "from_date"},
            lists={"id"},
        )
        ids = ids if ids is not None else filters.get("id")
        kind = filters.choice("type", ["K", "L", "S", "G"])
        if kind == kolada.Type.GROUP:
            raise kolada.InvalidQuery(
                gettext_noop("Groups are not municipalities: see /api/v3/municipality_groups."),
                parameter="type",
                invalid=[filters.get("type")],
            )
        known = kolada.places()
        chosen = [place for place in known.values() if place.type != kolada.Type.GROUP]
        if ids is not None:
            wanted = {place.id for place in kolada.parse_places(ids, known)}
            chosen = [place for place in chosen if place.id in wanted]
        elif kind is None:
            chosen = [place for place in chosen if place.type in (kolada.Type.MUNICIPALITY, kolada.Type.COUNTY)]
        if kind is not None:
            chosen = [place for place in chosen if place.type == kind]
        title = filters.contains("title")
        if title:
            chosen = [place for place in chosen if title in place.title.casefold()]
        return paged(request, [kolada.municipality_object(place) for place in chosen])


class MunicipalityDetail(MunicipalityList):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_municipality_detail",
        summary="Chosen units and areas (municipality)",
        description=MUNICIPALITY_DESCRIPTION,
        parameters=[
            _path("ids", "Ids, comma-separated, at most 25, types K, L and S; unknown ones are left out."),
            TITLE,
            *MUNICIPALITY_FILTERS,
            *PAGING,
        ],
        responses={200: MunicipalityPageSerializer, **ERRORS},
    )
    def get(self, request: Request, ids: str) -> ApiResponse:
        return self.answer(request, ids)


class GroupList(OpenApiView, ABC):
    """Kolada's group endpoints: `/municipality_groups` and `/kpi_groups`, with `members`; each
    subclass says which groups."""

    @abstractmethod
    def groups(self) -> list[dict]: ...

    def get(self, request: Request, ids: str | None = None) -> ApiResponse:
        filters = Filters(
            request, supported={"title"} | ({"id"} if ids is None else set()), unsupported={"from_date"}, lists={"id"}
        )
        ids = ids if ids is not None else filters.get("id")
        groups = self.groups()
        if ids is not None:
            wanted = {item.casefold() for item in kolada.parse_group_ids(ids)}
            groups = [group for group in groups if group["id"].casefold() in wanted]
        title = filters.contains("title")
        if title:
            groups = [group for group in groups if title in group["title"].casefold()]
        return paged(request, groups)


MUNICIPALITY_GROUPS_DESCRIPTION = (
    "The groups of similar municipalities (SKR's kommungrupp, population classes), as Kolada's municipality "
    "groups: members [{member_id, member_title}]. Memberships are per survey year: the members are those of the "
    "group's latest year (members_year). The data endpoints take the group ids."
)
KPI_GROUPS_DESCRIPTION = (
    "One group per part of the questionnaire (G-part-<part>), with the published indicators whose latest "
    "definition belongs to it: members [{member_id, member_title}], as in Kolada."
)
GROUP_FILTERS = [TITLE, FROM_DATE_UNSUPPORTED, *PAGING]
GROUP_IDS = _path("ids", "Group ids, comma-separated, at most 25; unknown ones are left out.")


class MunicipalityGroupList(GroupList):
    def groups(self) -> list[dict]:
        return kolada.municipality_groups(kolada.places())

    @extend_schema(
        tags=[TAG],
        operation_id="kolada_municipality_groups",
        summary="Groups of municipalities (municipality_groups)",
        description=MUNICIPALITY_GROUPS_DESCRIPTION,
        parameters=[ID_LIST, *GROUP_FILTERS],
        responses={200: GroupPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> ApiResponse:
        return super().get(request)


class MunicipalityGroupDetail(MunicipalityGroupList):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_municipality_groups_detail",
        summary="Chosen groups of municipalities (municipality_groups)",
        description=MUNICIPALITY_GROUPS_DESCRIPTION,
        parameters=[GROUP_IDS, *GROUP_FILTERS],
        responses={200: GroupPageSerializer, **ERRORS},
    )
    def get(self, request: Request, ids: str) -> ApiResponse:
        return GroupList.get(self, request, ids)


class KpiGroupList(GroupList):
    def groups(self) -> list[dict]:
        return kolada.kpi_groups(published_results())

    @extend_schema(
        tags=[TAG],
        operation_id="kolada_kpi_groups",
        summary="Groups of indicators (kpi_groups)",
        description=KPI_GROUPS_DESCRIPTION,
        parameters=[ID_LIST, *GROUP_FILTERS],
        responses={200: GroupPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> ApiResponse:
        return super().get(request)


class KpiGroupDetail(KpiGroupList):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_kpi_groups_detail",
        summary="Chosen groups of indicators (kpi_groups)",
        description=KPI_GROUPS_DESCRIPTION,
        parameters=[GROUP_IDS, *GROUP_FILTERS],
        responses={200: GroupPageSerializer, **ERRORS},
    )
    def get(self, request: Request, ids: str) -> ApiResponse:
        return GroupList.get(self, request, ids)


class DataView(OpenApiView):
    """Rows of two or three of kpi, municipality and years; the one left out means all."""

    def answer(
        self, request: Request, *, kpi: str | None = None, municipality: str | None = None, years: str | None = None
    ) -> ApiResponse:
        filters = Filters(request, supported={"from_date", "municipality_type"})
        return self.rows(request, filters, kpi=kpi, municipality=municipality, years=years)

    def rows(
        self, request: Request, filters: "Filters", *, kpi: str | None, municipality: str | None, years: str | None
    ) -> ApiResponse:
        from_date = filters.get("from_date")
        since = kolada.parse_date(from_date, parameter="from_date") if from_date is not None else None
        place_type = filters.choice("municipality_type", ["K", "L", "S", "G"])
        published = published_results()
        known = kolada.places()
        rows = kolada.data_rows(
            published,
            known,
            kpis=kolada.parse_kpis(kpi, kolada.published_kpis(published)) if kpi is not None else None,
            chosen=kolada.parse_places(municipality, known) if municipality is not None else None,
            years=kolada.parse_years(years) if years is not None else None,
            changed=kolada.changes_since(since, known) if since is not None else None,
        )
        if place_type is not None:
            rows = (row for row in rows if row.place.type == place_type)
        return paged(request, (row.as_kolada() for row in rows))


DATA_DESCRIPTION = (
    "Published values only, ordered by year, kpi and id. Indicator: a unit 100 (fulfilled) or 0 (not), an area the "
    "share of its units with a value that fulfil it, in percent with one decimal, for computing with, not for "
    "rounding again (the published whole percent is numerator / count * 100, rounded half up); key figure: the "
    "number, for an area the sum. count: 1 for a unit, the units with a value for an area. numerator (not in "
    "Kolada): the units that fulfil the indicator, or the key figure's sum. No value: value null, status Saknas. "
    "A count of persons under the key figure's confidentiality threshold (1–4 by default), a unit's or an area's "
    "sum: value and numerator null, status .. (sekretess, as in Kolada); aggregates include it. "
    "Stockholm (0180) and Göteborg (1480): the aggregate of their districts, as for a county. Unknown ids are left "
    "out, as in Kolada. from_date: only the values the publications on or after that day changed (a year's first "
    "publication: all of it; a revision: the values it changed and the areas they are in); a value a revision "
    "withdrew has isdeleted true."
)
DATA_FILTERS = [
    OpenApiParameter(
        "from_date", str, description="YYYY-MM-DD: only values published, changed or withdrawn on or after it."
    ),
    OpenApiParameter("municipality_type", str, description="K, L, S or G: only rows of ids of this type."),
]


class DataQuery(DataView):
    """The query form, as koladapy and other v3 clients call it: `/data?kpi_id=…&municipality_id=…&year=…`."""

    @extend_schema(
        tags=[TAG],
        operation_id="kolada_data_query",
        summary="Values, the query form (kpi_id, municipality_id, year)",
        description=DATA_DESCRIPTION + " Give two of kpi_id, municipality_id and year, or from_date; each a "
        "comma-separated list (or the parameter repeated) of at most 25. The same rows and paging as the path form.",
        parameters=[
            OpenApiParameter("kpi_id", str, description="Indicator codes (e.g. VINR02,VINRN1)."),
            OpenApiParameter("municipality_id", str, description="Ids as in the path form (e.g. 0880,0008,0000)."),
            OpenApiParameter("year", str, description="Years (e.g. 2023,2024)."),
            *DATA_FILTERS,
            *PAGING,
        ],
        responses={200: DataPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> ApiResponse:
        names = ("kpi_id", "municipality_id", "year")
        filters = Filters(request, supported={*names, "from_date", "municipality_type"}, lists=set(names))
        kpi, municipality, years = (filters.get(name) for name in names)
        if sum(value is not None for value in (kpi, municipality, years)) < 2 and filters.get("from_date") is None:
            raise kolada.InvalidQuery(
                gettext_noop("Give two of kpi_id, municipality_id and year, or from_date."),
                parameter=next((name for name in names if filters.get(name) is None), "year"),
            )
        return self.rows(request, filters, kpi=kpi, municipality=municipality, years=years)


class DataQuerySlash(DataQuery):
    """`/data/`, as koladapy joins it; left out of the schema, which has `/data`."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> ApiResponse:
        return super().get(request)


class DataKpiMunicipalityYear(DataView):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_data_kpi_municipality_year",
        summary="Values of indicators, units and years",
        description=DATA_DESCRIPTION,
        parameters=[KPI, MUNICIPALITY, YEARS, *DATA_FILTERS, *PAGING],
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
        parameters=[KPI, YEARS, *DATA_FILTERS, *PAGING],
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
        parameters=[MUNICIPALITY, YEARS, *DATA_FILTERS, *PAGING],
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
        parameters=[KPI, MUNICIPALITY, *DATA_FILTERS, *PAGING],
        responses={200: DataPageSerializer, **ERRORS},
    )
    def get(self, request: Request, kpi: str, municipality: str) -> ApiResponse:
        return self.answer(request, kpi=kpi, municipality=municipality)


class NoOrganisationalUnits(OpenApiView):
    """Kolada's `/ou` and `/oudata`: there are none here (every kpi has has_ou_data false). A client that
    asks anyway is told so, not given an empty list it could take for missing data."""

    @extend_schema(
        tags=[TAG],
        operation_id="kolada_ou",
        summary="Organisational units (ou, oudata): none here",
        description="The survey is answered by municipalities and city districts, not by organisational units: "
        "always 400 saying so. See /api/v3/municipality.",
        responses=ERRORS,
    )
    def get(self, request: Request, rest: str = "") -> ApiResponse:
        raise kolada.InvalidQuery(
            gettext_noop(
                "There are no organisational units (ou) here: municipalities and city districts answer the "
                "survey. See /api/v3/municipality."
            ),
            parameter="ou",
        )


class OrganisationalUnitData(NoOrganisationalUnits):
    @extend_schema(
        tags=[TAG],
        operation_id="kolada_oudata",
        summary="Values of organisational units (oudata): none here",
        description="Always 400: there are no organisational units. See /api/v3/data.",
        responses=ERRORS,
    )
    def get(self, request: Request) -> ApiResponse:
        return super().get(request)


class OrganisationalUnitPaths(NoOrganisationalUnits):
    """/ou/{ids}, /oudata/ and the path forms of /oudata; left out of the schema (which has /ou and /oudata)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, rest: str = "") -> ApiResponse:
        return super().get(request)


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
        "type K/S/L/G; numerator as in the data endpoints; a confidential value has an empty value and numerator "
        "and status ..; source computed or imported for a unit, empty for an area (Stockholm and Göteborg too, "
        "the aggregate of their districts); revision and published: the year's latest publication. Text beginning "
        "with = + - @ tab or CR has a ' in front.",
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        rows = kolada.all_rows()  # loaded now; only the writing streams
        response = StreamingHttpResponse(kolada.csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{CSV_FILENAME}"'
        return response
