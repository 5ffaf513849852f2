"""The shapes of the open API's answers, for the OpenAPI schema (the views build plain dicts)."""

from rest_framework import serializers

from indicators.models import CONFIDENTIAL_MARK
from reporting.selectors.kolada import MISSING


class ValueSerializer(serializers.Serializer):
    gender = serializers.ChoiceField(choices=["T"], help_text="Always T (total): nothing is divided by gender.")
    count = serializers.IntegerField(
        help_text="Units behind the value, as in Kolada: 1 for a unit, the units with a value for a county, the "
        "country or a group; 0 without a value. Kept when the value is confidential."
    )
    status = serializers.ChoiceField(
        choices=["", MISSING, CONFIDENTIAL_MARK],
        help_text=f'"" with a value, "{MISSING}" without, "{CONFIDENTIAL_MARK}" (sekretess, as in Kolada and '
        "Socialstyrelsen's tables) for a count of persons under the key figure's confidentiality threshold "
        "(1–4 by default), a unit's or an area's sum: then value and numerator are null.",
    )
    value = serializers.FloatField(
        allow_null=True,
        help_text="Indicator: a unit 100 (fulfilled) or 0 (not), an area the share of its units with a value "
        "that fulfil it in percent, one decimal rounded half up, for computing with: do not round it again. The "
        "published whole percent is numerator / count * 100 rounded half up (39 of 289: 13.49…, so 13 %; "
        "13.5 would round to 14). Key figure: the unit's number, an area's sum. Null: no value, or confidential.",
    )
    isdeleted = serializers.BooleanField(
        help_text="True for a value a revision withdrew (only with from_date: then value is null); else false."
    )
    numerator = serializers.FloatField(
        allow_null=True,
        help_text="Not in Kolada. Indicator: the units that fulfil it (a unit 1 or 0); key figure: the sum (a unit "
        "its number). Null when value is null.",
    )


class DataRowSerializer(serializers.Serializer):
    kpi = serializers.CharField()
    municipality = serializers.CharField(help_text="The id of the unit, county, country or group.")
    period = serializers.IntegerField(help_text="The survey year.")
    values = ValueSerializer(many=True)


class PageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="The number of values on this page.")
    next_url = serializers.URLField(required=False, help_text="The next page; absent on the last page.")
    previous_url = serializers.URLField(required=False, help_text="The previous page; absent on the first.")


class DataPageSerializer(PageSerializer):
    values = DataRowSerializer(many=True)


class ComparabilityNoteSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    note = serializers.CharField()


class KpiSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The indicator's code, e.g. VINR02.")
    title = serializers.CharField(help_text="From the latest published year's definition.")
    description = serializers.CharField()
    operating_area = serializers.CharField()
    perspective = serializers.CharField()
    unit = serializers.CharField(help_text="Procent (indicators) or Antal (key figures).")
    auspice = serializers.CharField(allow_null=True, help_text="Always null.")
    municipality_type = serializers.CharField(help_text="Always K.")
    is_divided_by_gender = serializers.BooleanField(help_text="Always false.")
    has_ou_data = serializers.BooleanField(help_text="Always false.")
    publication_date = serializers.DateField(
        allow_null=True,
        help_text="As in Kolada: the next expected publication. Results are published once a year, so it is the "
        "day the latest published year was first published, a year on (null before any publication).",
    )
    prel_publication_date = serializers.DateField(allow_null=True, help_text="Always null: nothing preliminary.")
    ou_publication_date = serializers.DateField(allow_null=True, help_text="Always null.")
    publ_period = serializers.CharField(help_text="The latest published year.")
    latest_publication_date = serializers.DateField(
        help_text="The latest publication or revision of any of its years. Not in Kolada."
    )
    part = serializers.CharField(help_text="The part of the questionnaire (see /api/v3/kpi_groups). Not in Kolada.")
    kind = serializers.ChoiceField(choices=["indicator", "nyckeltal"], help_text="Not in Kolada.")
    aggregation = serializers.ChoiceField(choices=["share", "sum"], help_text="Not in Kolada.")
    desired_direction = serializers.ChoiceField(choices=["up", "down", ""], help_text="Not in Kolada.")
    confidential_below = serializers.IntegerField(
        help_text='Not in Kolada. A count of persons from 1 up to below this is published with status ".." '
        "(sekretess), in the latest published year's definition; 0: nothing is withheld (always 0 for shares)."
    )
    years = serializers.ListField(child=serializers.IntegerField(), help_text="Published years. Not in Kolada.")
    comparability_notes = ComparabilityNoteSerializer(many=True, help_text="Not in Kolada.")


class KpiPageSerializer(PageSerializer):
    values = KpiSerializer(many=True)


class MunicipalitySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Municipality 0880, district 0180-08, county 0001, the country 0000.")
    title = serializers.CharField()
    type = serializers.ChoiceField(
        choices=["K", "S", "L"], help_text="K municipality, L county or the country, S city district (only on request)."
    )
    aggregate_of = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Stockholm and Göteborg only: the districts whose aggregate their data rows are. Not in Kolada.",
    )


class MunicipalityPageSerializer(PageSerializer):
    values = MunicipalitySerializer(many=True)


class MemberSerializer(serializers.Serializer):
    member_id = serializers.CharField()
    member_title = serializers.CharField()


class GroupSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="G-skr-2017-A1, G-population-P3; kpi groups G-part-vinr.")
    title = serializers.CharField()
    members = MemberSerializer(many=True)
    members_year = serializers.IntegerField(
        required=False, allow_null=True, help_text="Municipality groups: the survey year of the members. Not in Kolada."
    )


class GroupPageSerializer(PageSerializer):
    values = GroupSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What is wrong, in Swedish.")
    detail_en = serializers.CharField(help_text="The same in English.")
    parameter = serializers.CharField(
        help_text="The parameter: kpi, municipality, year, page, per_page, id, a filter or an unknown name."
    )
    invalid = serializers.ListField(child=serializers.CharField(), help_text="The offending values.")
