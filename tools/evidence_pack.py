"""An evidence pack: a numbered index (.docx) and every numbered exhibit in one ZIP, with SHA-256 fingerprints."""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from docx import Document

# Exhibits are numbered from 1 in the order of the index; the number prefixes the file name inside the ZIP.
UNSAFE = re.compile(r'[^\w.\-]+', re.UNICODE)


@dataclass(frozen=True)
class Exhibit:
    number: int
    filename: str
    data: bytes
    cells: tuple = ()          # the index row after the number: item, category, added on, fingerprint...

    @property
    def sha256(self):
        return sha256_hex(self.data)


def sha256_hex(data):
    return hashlib.sha256(data or b'').hexdigest()


def exhibit_filename(number, filename, width=2):
    """'03_Delivery_note_signed.pdf': the number first, so that the files sort as the index lists them."""
    name = unicodedata.normalize('NFC', filename or 'exhibit').strip()
    name = UNSAFE.sub('_', name).strip('._') or 'exhibit'
    return f'{number:0{width}d}_{name}'


def index_docx(title, headers, exhibits, intro=''):
    """A Word document with the title, an optional paragraph and one table row per exhibit."""
    document = Document()
    document.add_heading(title, level=1)
    if intro:
        document.add_paragraph(intro)
    table = document.add_table(rows=1, cols=len(headers))
    table.style = 'Table Grid'
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
    for exhibit in exhibits:
        row = table.add_row().cells
        for cell, text in zip(row, (str(exhibit.number), *exhibit.cells), strict=True):
            cell.text = str(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_pack(index_name, index_data, exhibits):
    """The ZIP: the index first, then each exhibit under its numbered name. Returns (zip bytes, {name: sha256})."""
    width = max(2, len(str(len(exhibits))))
    names = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(index_name, index_data)
        for exhibit in exhibits:
            name = exhibit_filename(exhibit.number, exhibit.filename, width)
            if name in names:
                raise ValueError(f'two exhibits are named {name}')
            archive.writestr(name, exhibit.data)
            names[name] = exhibit.sha256
    return buffer.getvalue(), names


def read_index_rows(index_data):
    """The table rows of an index document, as lists of cell texts (header first): for checks and tests."""
    document = Document(io.BytesIO(index_data))
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]
