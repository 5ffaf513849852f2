"""Reads about exports of the results file."""

from django.db.models import Max, QuerySet

from indicators.models import Publication
from reporting.models import Export
from survey.models import GroupMembership


def exports_without_files() -> QuerySet[Export]:
    """The exports with who started them, without the file itself (it can be large)."""
    return Export.objects.defer("file").select_related("created_by")


def newest_file(year: int) -> Export | None:
    """The newest finished export of `year`, with its file: what the public downloads."""
    return Export.objects.filter(year=year, status=Export.Status.DONE).order_by("-finished_at", "-pk").first()


def public_files() -> dict[int, Export]:
    """{year: the newest finished export of the year}, without the files: what the public links serve."""
    files: dict[int, Export] = {}
    for export in Export.objects.filter(status=Export.Status.DONE).defer("file").order_by("finished_at", "pk"):
        files[export.year] = export
    return files


def published_since(export: Export) -> bool:
    """A year up to the export's was published (or revised) after the export started: its file may
    show old values."""
    latest = Publication.objects.filter(year__lte=export.year).aggregate(at=Max("published_at"))["at"]
    return latest is not None and latest > export.created_at


def groups_changed_since(export: Export) -> bool:
    """The register added or corrected a group membership of a year up to the export's after the
    export started (load_units): its file may show old group figures."""
    latest = GroupMembership.objects.filter(year__lte=export.year).aggregate(at=Max("created_at"))["at"]
    return latest is not None and latest > export.created_at


def is_outdated(export: Export) -> bool:
    """The file may show old values or group figures: a new export is due."""
    return published_since(export) or groups_changed_since(export)
