"""What every uploaded file passes before anything parses it, on the web forms and in the management
commands alike: a size limit, a type known by both its name and its content, and, for an .xlsx
workbook, a look at the zip directory that refuses zip bombs and XML with a document type
declaration (the way to entity attacks: "billion laughs", external entities).

openpyxl (and pyxform, which reads .xlsx through it) parses with defusedxml when it is installed,
so an entity that slips past the look here is refused by the parser; `is_xml_attack` recognises
that refusal so the readers can give the same message."""

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
# An .xlsx of real data unpacks to about 5–10 times its size and its XML compresses about 10–20
# times; a zip bomb unpacks to far more, or compresses a part far better.
MAX_UNPACKED_FACTOR = 20
MAX_RATIO = 100
MAX_ENTRIES = 1000
RATIO_FROM_BYTES = 1 * MB  # small parts may compress very well; they cannot be bombs
XLSX_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}
XML_HEAD_BYTES = 4096  # a DOCTYPE comes before the root element, so at the start of a part
# openpyxl parses the styles and the shared strings (the text of the cells) whole before any cell,
# and no time budget can stop it (core/workbooks.py): about a second per MB of styles and half a
# second per MB of text. Excel writes some kB of styles; a styles bomb (100 000 fonts and formats,
# compressed only 15 times) took 14 s to open. 10 MB of text is 100 000 answers of 70 characters.
STYLES_PART, MAX_STYLES_BYTES = "xl/styles.xml", 2 * MB  # openpyxl reads the styles from this name only
MAX_STRINGS_BYTES = 10 * MB
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


class UploadRefused(ValueError):
    """A file refused before it was read; the message says why, to the person who sent it."""


@dataclass(frozen=True)
class Kind:
    """A kind of upload: the file types it takes and its own size limit, if below the site's."""

    suffixes: tuple[str, ...]
    wrong_type: Promise
    max_bytes: int | None = None

    def limit(self) -> int:
        return min(self.max_bytes or settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_BYTES)


TABLE = Kind((".csv", ".xlsx"), _("Upload a .csv or .xlsx file."))


def too_large(kind: Kind) -> str:
    return gettext("The file is larger than %(size)s.") % {"size": filesizeformat(kind.limit())}


def check_size(size: int, kind: Kind) -> None:
    if size > kind.limit():
        raise UploadRefused(too_large(kind))


def check_file(*, data: bytes, filename: str, kind: Kind) -> str:
    """Refuses (UploadRefused) a file too large, of another type, or that is not what its name
    says; returns its suffix (".xlsx", ".csv", ".md")."""
    check_size(len(data), kind)
    suffix = Path(filename).suffix.lower()
    if suffix not in kind.suffixes:
        raise UploadRefused(str(kind.wrong_type))
    if suffix == ".xlsx":
        check_workbook(data, unpacked_limit=kind.limit() * MAX_UNPACKED_FACTOR)
    else:
        text_of(data)
    return suffix


def text_of(data: bytes) -> str:
    """The text of a CSV or markdown file: UTF-8, with or without a byte order mark, without NUL."""
    if b"\x00" in data:
        raise UploadRefused(gettext("The file is not text: it contains binary data."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(
            gettext("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”.")
        ) from None


def not_a_workbook() -> UploadRefused:
    return UploadRefused(gettext("The file is not an Excel workbook (.xlsx), although its name says so."))


def xml_attack() -> UploadRefused:
    return UploadRefused(
        gettext(
            "The workbook contains XML with a document type declaration (DOCTYPE), which Excel never "
            "writes; it was refused as a possible XML attack."
        )
    )


def is_xml_attack(error: BaseException | None) -> bool:
    """Whether the parser's error is defusedxml's refusal (openpyxl wraps it in a ValueError)."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


# What reading a damaged zip part raises:
# - a bad CRC or header: BadZipFile;
# - corrupt deflate data: zlib.error;
# - a cut-off part: EOFError or OSError;
# - an unknown compression method: NotImplementedError;
# - an encrypted part: RuntimeError.
UNREADABLE_PART = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def check_workbook(data: bytes, *, unpacked_limit: int) -> None:
    """An .xlsx is a zip holding the Office Open XML parts; its directory says how much each part
    unpacks to (Python's zipfile never reads past that size), so a bomb is refused unopened."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_workbook() from None
    if not XLSX_PARTS.issubset(entry.filename for entry in entries):
        raise not_a_workbook()
    bomb = UploadRefused(
        gettext("The workbook unpacks to too much data or too many parts; it was refused as a possible zip bomb.")
    )
    if len(entries) > MAX_ENTRIES or sum(entry.file_size for entry in entries) > unpacked_limit:
        raise bomb
    for entry in entries:
        if entry.file_size > RATIO_FROM_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise bomb
        if entry.filename == STYLES_PART and entry.file_size > MAX_STYLES_BYTES:
            raise UploadRefused(
                gettext(
                    "The workbook's styles (formats, fonts, colours) unpack to more than %(size)s, far more than "
                    "Excel writes; it was refused. Copy the values into a new workbook."
                )
                % {"size": filesizeformat(MAX_STYLES_BYTES)}
            )
    for entry in entries:
        if not entry.filename.endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(entry) as part:
                head = part.read(XML_HEAD_BYTES)
        except UNREADABLE_PART:
            raise not_a_workbook() from None
        if b"<!DOCTYPE" in head.replace(b"\x00", b""):  # also when the part is UTF-16
            raise xml_attack()
    sizes = {entry.filename: entry.file_size for entry in entries}
    if sizes["[Content_Types].xml"] > RATIO_FROM_BYTES:  # read whole below; Excel writes some kB
        raise bomb
    if any(sizes.get(name, 0) > MAX_STRINGS_BYTES for name in _shared_strings_parts(archive)):
        raise UploadRefused(
            gettext(
                "The text of the workbook's cells unpacks to more than %(size)s, the most one upload may hold; "
                "split the file."
            )
            % {"size": filesizeformat(MAX_STRINGS_BYTES)}
        )


def _shared_strings_parts(archive: zipfile.ZipFile) -> list[str]:
    """The parts holding the shared strings, by the content types (as openpyxl finds them)."""
    try:
        types = DefusedET.fromstring(archive.read("[Content_Types].xml"))
    except (*UNREADABLE_PART, DefusedET.ParseError, DefusedXmlException):
        raise not_a_workbook() from None
    return [
        str(override.get("PartName", "")).lstrip("/")
        for override in types
        if override.tag.endswith("Override") and override.get("ContentType") == SHARED_STRINGS_TYPE
    ]


class UploadField(forms.FileField):
    """A file field that applies `check_file` for its kind, so a refusal is an error on the field
    (in the form's error summary) and the view never reads a refused file."""

    def __init__(self, *, kind: Kind, **kwargs: object) -> None:
        self.kind = kind
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ",".join(kind.suffixes)}))
        super().__init__(**kwargs)

    def clean(self, data: object, initial: object = None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        if upload is None:
            return None
        try:
            check_size(upload.size or 0, self.kind)  # before reading: a huge file stays on disk
            check_file(data=upload.read(), filename=upload.name or "", kind=self.kind)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused), code="refused") from None
        upload.seek(0)
        return upload


class OversizedUpload(SimpleUploadedFile):
    """What is left of a file larger than UPLOAD_MAX_BYTES: its name and size, no content."""

    def __init__(self, name: str, size: int, content_type: str | None) -> None:
        super().__init__(name, b"", content_type)
        self.size = size


class SizeLimitedUploadHandler(FileUploadHandler):
    """The first of FILE_UPLOAD_HANDLERS: passes a file on to the next handlers while it is within
    UPLOAD_MAX_BYTES and drops the rest, so that a huge upload fills neither memory nor disk and
    the form still says how large it was."""

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = start + len(raw_data)
        return None if self.received > settings.UPLOAD_MAX_BYTES else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received > settings.UPLOAD_MAX_BYTES:
            return OversizedUpload(self.file_name or "", self.received, self.content_type)
        return None
