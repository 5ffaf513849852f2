"""The spreadsheet writer leans on two private parts of XlsxWriter for measured speed
(core/spreadsheets.py). These tests fail when an upgrade of XlsxWriter changes them underneath."""

import inspect
import io

import pytest
from openpyxl import load_workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import CellNumberTuple, Worksheet

from core.spreadsheets import Column, DataSheet, PlainFormulaWorksheet, Renderer

# Every function the results file's formulas use (reporting/exporters/results.py).
FORMULAS = [
    "=INDEX('Enheter'!$B$2:$B$300,MATCH($B$3,'Enheter'!$A$2:$A$300,0))",
    "=IF(ISNUMBER(C5),C5,NA())",
    '=IFERROR(INDEX(D:D,7),"")',
]


def test_the_private_write_methods_take_the_public_ones_arguments():
    for name in ("write_number", "write_string"):
        public = list(inspect.signature(getattr(Worksheet, name)).parameters)
        private = list(inspect.signature(getattr(Worksheet, "_" + name)).parameters)
        assert private == public, name


@pytest.mark.parametrize("formula", FORMULAS)
def test_plain_formulas_are_prepared_as_xlsxwriter_itself_prepares_them(formula):
    assert "expand_future_functions" in inspect.signature(Worksheet._prepare_formula).parameters
    stock = Worksheet._prepare_formula(Worksheet(), formula)
    assert PlainFormulaWorksheet._prepare_formula(PlainFormulaWorksheet(), formula) == stock


def test_a_data_sheet_written_through_the_private_methods_reads_back_as_written():
    rows = [["a", "b", "c"], [1, 2.5, "text"], [-3, None, "=1+1"]]
    buffer = io.BytesIO()
    renderer = Renderer(buffer)
    renderer.write_data_sheet(DataSheet("T", "T", [Column(), Column(), Column()], lambda: iter(rows)))
    renderer.close()
    cells = [[cell.value for cell in row] for row in load_workbook(buffer).active.iter_rows()]
    assert cells == rows


@pytest.mark.parametrize("number", [0, 1, -3, 2.5, 0.125, 1e-20, 123456789012345.6])
def test_a_formatted_number_cell_is_written_as_xlsxwriter_itself_writes_it(number):
    """The fast path of PlainFormulaWorksheet._write_cell gives the same XML as the stock writer."""

    def xml(worksheet_class: type[Worksheet]) -> str:
        buffer = io.StringIO()
        sheet = worksheet_class()
        sheet.fh = buffer
        sheet._write_cell(41, 27, CellNumberTuple(number, Format({"num_format": "0%"}, xf_indices={})))
        return buffer.getvalue()

    assert "<v>" in xml(Worksheet)
    assert xml(PlainFormulaWorksheet) == xml(Worksheet)
