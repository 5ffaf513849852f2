from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


round_contacts = round_reminders = round_settings = contact_import = contact_create = contact_edit = _todo
contact_delete = _todo
