"""The respondents' JSON API: the same access rules, validation, services and audit as the web form
(channel `api`). Token authentication (`Authorization: Token …`); the schema is at /api/schema/."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from survey import access, services
from survey.models import Answer, AnswerChange, Part, Response
from survey.selectors.responses import part_statuses_for


class PartStatusSerializer(serializers.Serializer):
    code = serializers.CharField(source="part.code")
    label = serializers.CharField(source="part.label")
    status = serializers.ChoiceField(choices=["not_started", "started", "submitted"])
    submitted_at = serializers.DateTimeField(source="submission.submitted_at", allow_null=True, default=None)


class ResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    year = serializers.IntegerField(source="round.year")
    title = serializers.CharField(source="round.title")
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    opens_at = serializers.DateTimeField(source="round.opens_at")
    closes_at = serializers.DateTimeField()
    parts = serializers.SerializerMethodField()

    @extend_schema_field(PartStatusSerializer(many=True))
    def get_parts(self, response: Response) -> list[dict]:
        statuses = self.context.get("statuses") or part_statuses_for([response])
        return PartStatusSerializer(statuses[response.pk], many=True).data


class AnswerSerializer(serializers.Serializer):
    question = serializers.CharField(source="question.code")
    value = serializers.CharField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    updated_by = serializers.CharField(source="updated_by.email", allow_null=True, default=None)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
class AnswerValueField(serializers.JSONField):
    """JSON, so that select_multiple can take a list; the schema says which JSON (validate_value)."""


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF would turn 0 or true into "0" and "True", which the schema calls wrong."""

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only (not "3", 3.0 or true), as the schema says."""

    def to_internal_value(self, data: object) -> int:
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class ChangeSerializer(serializers.Serializer):
    # Not trimmed: a code is never blank or padded, and one that looks so is an unknown code (listed in
    # errors), not a malformed body (a 400 for a body the schema accepts).
    question = StrictCharField(min_length=1, trim_whitespace=False)
    value = AnswerValueField(help_text="A string, or a list of option names for select_multiple.")
    version = StrictIntegerField(
        required=False,
        allow_null=True,
        help_text="The answer's version you last read (0: no answer). If a colleague has changed the "
        "answer since, the change is not applied and is returned as a conflict.",
    )

    def validate_value(self, value: object) -> str | list[str]:
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return value
        raise serializers.ValidationError("Ange en text eller en lista av texter.")


class SaveSerializer(serializers.Serializer):
    answers = ChangeSerializer(many=True)


SaveResultSerializer = inline_serializer(
    "SaveResult",
    {
        "saved": AnswerSerializer(many=True),
        "errors": serializers.DictField(child=serializers.CharField()),
        "conflicts": AnswerSerializer(many=True),
        "removed": serializers.ListField(child=serializers.CharField()),
    },
)


# The refusals every operation may answer, documented so that clients (and the schemathesis run in
# tests/test_api_fuzz.py) know them.
DETAIL = inline_serializer("Detail", {"detail": serializers.CharField()})
NO_TOKEN = {401: OpenApiResponse(DETAIL, description="No valid API key (Authorization: Token …).")}
NOT_FOUND = {404: OpenApiResponse(DETAIL, description="No such response or part, or not one of the caller's.")}
READ_ONLY = {403: OpenApiResponse(DETAIL, description="The caller may read this response but not change it.")}


def _closed(error: Exception) -> ApiResponse:
    return ApiResponse({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


class ResponseList(APIView):
    @extend_schema(
        responses={200: ResponseSerializer(many=True), **NO_TOKEN}, summary="The responses the caller may read"
    )
    def get(self, request: Request) -> ApiResponse:
        responses = list(access.responses_for_user(request.user).order_by("-round__year", "unit__code")[:500])
        context = {"statuses": part_statuses_for(responses)}
        return ApiResponse(ResponseSerializer(responses, many=True, context=context).data)


class ResponseDetail(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "ResponseWithAnswers", {"response": ResponseSerializer(), "answers": AnswerSerializer(many=True)}
            ),
            **NO_TOKEN,
            **NOT_FOUND,
        },
        summary="A response with its answers",
    )
    def get(self, request: Request, pk: int) -> ApiResponse:
        response = access.get_response_for_user(request.user, pk)
        answers = Answer.objects.filter(response=response).select_related("question", "updated_by")
        return ApiResponse(
            {
                "response": ResponseSerializer(response).data,
                "answers": AnswerSerializer(answers.order_by("question__order"), many=True).data,
            }
        )


class ResponseAnswers(APIView):
    parser_classes = [JSONParser]  # a list of changes has no form encoding

    @extend_schema(
        request=SaveSerializer,
        responses={
            200: SaveResultSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="The body is not a list of changes: the errors."),
            **NO_TOKEN,
            **READ_ONLY,
            **NOT_FOUND,
            409: inline_serializer("Closed", {"detail": serializers.CharField()}),
            415: OpenApiResponse(DETAIL, description="The body is not JSON."),
        },
        summary="Change answers",
        description="Each valid change is saved on its own; errors and conflicts are listed and leave the "
        "other answers saved. Answers made irrelevant by a change are removed and listed.",
    )
    def patch(self, request: Request, pk: int) -> ApiResponse:
        response = access.get_response_for_user(request.user, pk, write=True, with_unit=False)
        payload = SaveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changes = {
            item["question"]: services.Change(item["value"], item.get("version"))
            for item in payload.validated_data["answers"]
        }
        try:
            result = services.save_answers(
                response=response, changes=changes, user=request.user, channel=AnswerChange.Channel.API
            )
        except services.ResponseClosed as closed:
            return _closed(closed)
        return ApiResponse(
            {
                "saved": AnswerSerializer(result.saved.values(), many=True).data,
                "errors": result.errors,
                "conflicts": AnswerSerializer([a for a in result.conflicts.values() if a], many=True).data,
                "removed": [question.code for question in result.removed],
            }
        )


class PartSubmit(APIView):
    @extend_schema(
        request=None,
        responses={
            200: PartStatusSerializer,
            400: inline_serializer("Incomplete", {"errors": serializers.DictField(child=serializers.CharField())}),
            **NO_TOKEN,
            **READ_ONLY,
            **NOT_FOUND,
            409: inline_serializer("SubmitClosed", {"detail": serializers.CharField()}),
        },
        summary="Submit a part",
    )
    def post(self, request: Request, pk: int, part: str) -> ApiResponse:
        response = access.get_response_for_user(request.user, pk, write=True)
        part_obj = get_object_or_404(Part, round=response.round, code=part)
        try:
            services.submit_part(response=response, part=part_obj, user=request.user)
        except services.PartIncomplete as incomplete:
            return ApiResponse({"errors": incomplete.errors}, status=status.HTTP_400_BAD_REQUEST)
        except services.ResponseClosed as closed:
            return _closed(closed)
        statuses = {item.part.code: item for item in part_statuses_for([response])[response.pk]}
        return ApiResponse(PartStatusSerializer(statuses[part]).data)
