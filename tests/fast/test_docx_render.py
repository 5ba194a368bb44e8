import copy
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document

from tools.docx_render import (
    ALLOWED_VARIABLES,
    CONTEXT_KEYS,
    SAMPLE_CONTEXT,
    TemplateProblem,
    docx_paragraphs,
    find_phrases,
    normalize_docx,
    plain,
    render_docx,
    validate_docx,
    zip_files,
)

LIMIT = 1_000_000


def make_docx(*paragraphs, header=None):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    output = BytesIO()
    document.save(output)
    return output.getvalue()


def texts(data):
    return [text for _part, text in docx_paragraphs(data)]


# === Rendering === #

def test_renders_plain_context_and_escapes_xml():
    template = make_docx("Dear {{ recipient.name }},", "{% for inv in invoices %}{{ inv.number }};{% endfor %}",
                         "Total: {{ totals.total }} {{ currency.name }}", header="{{ company.name }}")
    context = copy.deepcopy(SAMPLE_CONTEXT)
    context["recipient"]["name"] = "Smith & Sons <Ltd>"
    result = render_docx(template, context)
    assert docx_paragraphs(result) == [("body", "Dear Smith & Sons <Ltd>,"), ("body", "INV/2026/00001;"),
                                       ("body", "Total: 1,003.20 CNY"), ("header", "Example Trading Co., Ltd.")]


def test_context_must_be_plain_data():
    class Record:
        pass

    with pytest.raises(TypeError, match="context.recipient: Record is not plain data"):
        plain({"recipient": Record()})
    with pytest.raises(TypeError):
        plain({"totals": {"f": len}})
    with pytest.raises(TypeError):
        plain({1: "a"})
    value = plain({"a": [Decimal("1.5"), date(2026, 3, 2), None, True, ("x",)]})
    assert value == {"a": [Decimal("1.5"), date(2026, 3, 2), None, True, ["x"]]}


@pytest.mark.parametrize("tag", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ recipient.name.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].system('touch MARKER') }}",
    "{{ namespace.__init__.__globals__ }}",
    "{% import 'os' as os %}{{ os.system('touch MARKER') }}",
    "{% include '/etc/passwd' %}",
    "{% extends 'base' %}",
    "{{ env }}",
    "{{ env['res.partner'].search([]) }}",
    "{{ range(10**8)|list }}",
    "{{ 'a' * 100000000 }}",
    "{{ 9 ** 9999999 }}",
    "{{ recipient.pop('name') }}",
    "{{ recipient.name|safe }}",
    "{{ self.__init__.__globals__ }}",
    "{{ config.items() }}",
    "{{ request }}",
])
def test_escapes_are_refused_and_nothing_runs(tag, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = make_docx("Dear {{ recipient.name }}", tag)
    # at upload
    with pytest.raises(TemplateProblem) as upload:
        validate_docx(template, LIMIT, sample=SAMPLE_CONTEXT)
    assert upload.value.code in {"private_attribute", "forbidden_tag", "unknown_variable", "unknown_filter",
                                 "render"}
    # and at render time, for a template that reached the database some other way
    with pytest.raises(TemplateProblem) as render:
        render_docx(template, SAMPLE_CONTEXT)
    assert render.value.code == "render"
    assert not (tmp_path / "MARKER").exists()


# === Validation === #

def test_valid_template_returns_its_variables():
    template = make_docx("{{ recipient.name }} {{ letter.date }}", "{% for i in invoices %}{{ i.number }}{% endfor %}")
    assert validate_docx(template, LIMIT, sample=SAMPLE_CONTEXT) == {"recipient", "letter", "invoices"}


def test_text_file_is_refused():
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(b"Dear customer, please pay.", LIMIT)
    assert problem.value.code == "not_docx"


def test_zip_that_is_not_a_word_document_is_refused():
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(output.getvalue(), LIMIT)
    assert problem.value.code == "not_docx"


def test_corrupt_docx_is_refused():
    data = bytearray(make_docx("Hello"))
    # damage the compressed data of every member but keep the zip directory readable
    corrupt = BytesIO()
    with zipfile.ZipFile(BytesIO(bytes(data))) as source, zipfile.ZipFile(corrupt, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = content[: len(content) // 2]      # truncated XML
            target.writestr(info, content)
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(corrupt.getvalue(), LIMIT)
    assert problem.value.code == "corrupt"
    truncated = bytes(data[: len(data) - 200])
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(truncated, LIMIT)
    assert problem.value.code in {"not_docx", "corrupt"}


def test_oversized_file_is_refused():
    template = make_docx("Hello")
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(template, len(template) - 1)
    assert problem.value.code == "too_large"
    assert problem.value.params == {"size": len(template), "limit": len(template) - 1}


def test_unknown_variable_names_the_variable_and_the_paragraph():
    template = make_docx("Dear {{ recipient.name }},", "Please pay by {{ deadline }}.")
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(template, LIMIT)
    assert problem.value.code == "unknown_variable"
    assert problem.value.params == {"variable": "deadline"}
    assert problem.value.where == {"part": "body", "paragraph": 2, "text": "Please pay by {{ deadline }}."}


def test_syntax_error_names_where_it_is():
    template = make_docx("Hello", "{% for inv in invoices %}{{ inv.number }}", header="Ref {{ letter.reference }")
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(template, LIMIT)
    assert problem.value.code == "syntax"
    assert problem.value.where["part"] in {"body", "header"}
    template = make_docx("Hello", "{% for inv in invoices %}{{ inv.number }}")
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(template, LIMIT)
    assert problem.value.code == "syntax"
    assert "endfor" in problem.value.params["error"]


def test_misspelt_key_is_found_by_the_sample_render():
    template = make_docx("Dear {{ recipient.nmae }}")
    validate_docx(template, LIMIT)         # names are known...
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(template, LIMIT, sample=SAMPLE_CONTEXT)
    assert problem.value.code == "render"
    assert "nmae" in problem.value.params["error"]
    assert problem.value.where["paragraph"] == 1


def test_header_variables_are_checked_too():
    template = make_docx("Hello", header="{{ secret }}")
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(template, LIMIT)
    assert problem.value.where["part"] == "header"


def test_sample_context_has_the_documented_shape():
    assert set(SAMPLE_CONTEXT) == ALLOWED_VARIABLES
    for key, subkeys in CONTEXT_KEYS.items():
        value = SAMPLE_CONTEXT[key]
        first = value[0] if isinstance(value, list) else value
        assert set(first) == set(subkeys), key


# === Compliance phrases, zips === #

def test_find_phrases_ignores_case_and_spacing():
    paragraphs = [("body", "We will   Report you to the POLICE."), ("footer", "逾期将被拘留")]
    hits = find_phrases(paragraphs, ["report you to the police", "拘留", "prison", " "])
    assert [(phrase, part) for phrase, part, _text in hits] == [("report you to the police", "body"),
                                                                 ("拘留", "footer")]


def test_normalize_docx_is_stable_and_still_a_document():
    data = make_docx("Hello")
    once = normalize_docx(data)
    assert normalize_docx(once) == once
    assert texts(once) == ["Hello"]


def test_zip_files_makes_names_unique():
    archive = zipfile.ZipFile(BytesIO(zip_files([("a.docx", b"1"), ("a.docx", b"2"), ("b", b"3"), ("b", b"4")])))
    assert archive.namelist() == ["a.docx", "a (2).docx", "b", "b (2)"]
