"""The shapes of the open API's answers, for the OpenAPI schema (the views build plain dicts)."""

from rest_framework import serializers

from reporting.selectors.kolada import MISSING


class ValueSerializer(serializers.Serializer):
    gender = serializers.ChoiceField(choices=["T"], help_text="Always T (total): nothing is divided by gender.")
    count = serializers.IntegerField(
        help_text="Units behind the value: 1 for a unit, the units with a value for a county, the country or "
        "a group; 0 without a value."
    )
    status = serializers.ChoiceField(choices=["", MISSING], help_text=f'"" with a value, "{MISSING}" without.')
    value = serializers.FloatField(
        allow_null=True,
        help_text="Indicator: a unit 100 (fulfilled) or 0 (not), an area the share of its units with a value "
        "that fulfil it in percent, one decimal rounded half up. Key figure: the unit's number, an area's sum. "
        "Null: no value.",
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
    publication_date = serializers.DateField(help_text="The latest publication or revision of any of its years.")
    prel_publication_date = serializers.DateField(allow_null=True, help_text="Always null: nothing preliminary.")
    ou_publication_date = serializers.DateField(allow_null=True, help_text="Always null.")
    publ_period = serializers.CharField(help_text="The latest published year.")
    kind = serializers.ChoiceField(choices=["indicator", "nyckeltal"], help_text="Not in Kolada.")
    aggregation = serializers.ChoiceField(choices=["share", "sum"], help_text="Not in Kolada.")
    desired_direction = serializers.ChoiceField(choices=["up", "down", ""], help_text="Not in Kolada.")
    years = serializers.ListField(child=serializers.IntegerField(), help_text="Published years. Not in Kolada.")
    comparability_notes = ComparabilityNoteSerializer(many=True, help_text="Not in Kolada.")


class KpiPageSerializer(PageSerializer):
    values = KpiSerializer(many=True)


class MunicipalitySerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text="Municipality 0880, district 0180-08, county 0001, the country 0000, group G-skr-2017-A1."
    )
    title = serializers.CharField()
    type = serializers.ChoiceField(
        choices=["K", "S", "L", "G"], help_text="K municipality, S city district, L county or the country, G group."
    )


class MunicipalityPageSerializer(PageSerializer):
    values = MunicipalitySerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What is wrong, in Swedish.")
    detail_en = serializers.CharField(help_text="The same in English.")
    parameter = serializers.CharField(help_text="kpi, municipality, year, page, per_page or id.")
    invalid = serializers.ListField(child=serializers.CharField(), help_text="The offending values.")
