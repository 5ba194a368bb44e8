import hashlib
import io
import zipfile

import pytest

from tools.evidence_pack import Exhibit, build_pack, exhibit_filename, index_docx, read_index_rows, sha256_hex


def test_sha256_of_known_bytes():
    # The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
    assert sha256_hex(b'abc') == 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'


def test_exhibit_names_sort_as_numbered():
    assert exhibit_filename(3, 'Delivery note (signed).pdf') == '03_Delivery_note_signed_.pdf'
    assert exhibit_filename(12, '对账单.pdf') == '12_对账单.pdf'
    assert exhibit_filename(1, '../../etc/passwd') == '01_etc_passwd'
    assert exhibit_filename(7, '', width=3) == '007_exhibit'


def test_pack_holds_index_and_every_numbered_file_with_its_hash():
    exhibits = [
        Exhibit(1, 'contract.pdf', b'%PDF contract', ('Contract', 'contract.pdf')),
        Exhibit(2, 'receipt.jpg', b'\xff\xd8 receipt', ('Delivery note', 'receipt.jpg')),
    ]
    index = index_docx('Evidence index', ['No.', 'Item', 'File'], exhibits, intro='Case LIT/2026/0001')
    data, names = build_pack('00_index.docx', index, exhibits)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ['00_index.docx', '01_contract.pdf', '02_receipt.jpg']
    for name, digest in names.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert names['01_contract.pdf'] == hashlib.sha256(b'%PDF contract').hexdigest()
    rows = read_index_rows(archive.read('00_index.docx'))
    assert rows == [['No.', 'Item', 'File'], ['1', 'Contract', 'contract.pdf'], ['2', 'Delivery note', 'receipt.jpg']]


def test_two_exhibits_with_the_same_number_and_name_are_refused():
    exhibits = [Exhibit(1, 'a.pdf', b'1'), Exhibit(1, 'a.pdf', b'2')]
    with pytest.raises(ValueError):
        build_pack('00_index.docx', b'', exhibits)
