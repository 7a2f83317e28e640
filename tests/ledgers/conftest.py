"""Helpers for the ledger tests: read a page's table and an export's sheet."""

import io

import pytest
from openpyxl import load_workbook


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""


def table(response) -> list[list[str]]:
    """The page's rows as the texts of their cells."""
    return [[cell.text for cell in row] for row in response.context["rows"]]


def column(response, label: str) -> list[str]:
    labels = [str(c.label) for c in response.context["columns"]]
    index = labels.index(label)
    return [row[index] for row in table(response)]


def sheet_rows(response) -> list[tuple]:
    """The export's rows, header first."""
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    # Read-only mode leaves out a row's empty trailing cells.
    width = len(rows[0])
    return [row + (None,) * (width - len(row)) for row in rows]


def sheet_column(rows: list[tuple], label: str) -> list:
    index = rows[0].index(label)
    return [row[index] for row in rows[1:]]
