"""Excel exports built with xlsxwriter (STYLE.md §5): the results file of a publication year."""

from reporting.exporters.data import ExportData, ExportError, collect_export_data
from reporting.exporters.results import ResultsExporter

__all__ = ["ExportData", "ExportError", "ResultsExporter", "collect_export_data"]
