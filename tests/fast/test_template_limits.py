"""A template cannot exhaust the worker: sizes, loops, output and time are bounded, and a .docx that links to
anything outside itself is refused before it is rendered or converted."""

import copy
import re
import time
import zipfile
from io import BytesIO

import pytest
from docx import Document

from tools.docx_render import (
    MAX_LOOP_ITERATIONS,
    MAX_TEXT,
    SAMPLE_CONTEXT,
    TemplateProblem,
    docx_paragraphs,
    render_docx,
    validate_docx,
)

LIMIT = 1_000_000


def make_docx(*paragraphs):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    output = BytesIO()
    document.save(output)
    return output.getvalue()


def with_relationship(data, part, relationship):
    """The same .docx with one more relationship in `part`."""
    source = zipfile.ZipFile(BytesIO(data))
    output = BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                content = content.replace(b"</Relationships>", relationship.encode() + b"</Relationships>")
            target.writestr(info, content)
    return output.getvalue()


@pytest.mark.parametrize("tag", [
    "{{ 'x'.ljust(10**9) }}",
    "{{ 'x'.rjust(1000000000) }}",
    "{{ 'x'.center(999999999) }}",
    "{{ '1'.zfill(10**8) }}",
    "{{ ('\\t' * 10000).expandtabs(100000) }}",
    "{{ ('x' * 10000).replace('x', 'y' * 10000) }}",
    "{{ ('x' * 10000) | replace('x', 'y' * 10000) }}",
    "{{ ('y' * 10000).join('x' * 10000) }}",
    "{{ ['y' * 10000] * 10000 | join }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ 'x'.translate({120: 'y' * 10000}) }}",
    "{{ '%999999999s' % 'x' }}",
    "{{ '%*s' % (999999999, 'x') }}",
    "{% set a = 'x' * 10000 %}{% set b = a ~ a ~ a ~ a ~ a %}{% set c = b ~ b ~ b ~ b ~ b %}{{ c ~ c }}",
    "{% set a = 'x' * 10000 %}{% set b = a + a + a + a + a %}{% set c = b + b + b + b + b %}{{ c + c }}",
    "{{ 'x' * 10000 ~ 'x' * 10000 ~ 'x' * 10000 ~ 'x' * 10000 ~ 'x' * 10000 ~ 'x' * 10000 ~ 'x' * 10000 ~ "
    "'x' * 10000 ~ 'x' * 10000 ~ 'x' * 10000 ~ 'x' }}",
    "{{ [['x'] * 10000] * 10000 | sum(start=[]) }}",
])
def test_widening_refused_at_upload_and_render(tag):
    template = make_docx(tag)
    started = time.monotonic()
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(template, LIMIT, sample=SAMPLE_CONTEXT)
    assert problem.value.code == "render"
    with pytest.raises(TemplateProblem):
        render_docx(template, SAMPLE_CONTEXT)
    assert time.monotonic() - started < 5, "refused before building anything large"


def test_widening_within_the_limits_renders():
    template = make_docx("[{{ 'ab'.ljust(6, '.') }}][{{ ('x' * 3).replace('x', 'yz') }}]"
                         "[{{ ['a', 'b'] | join('-') }}][{{ '%5s' % 'x' }}][{{ 'a' ~ 'b' }}]")
    assert docx_paragraphs(render_docx(template, SAMPLE_CONTEXT)) == [("body", "[ab....][yzyzyz][a-b][    x][ab]")]
    assert MAX_TEXT >= 100_000, "a long letter value still fits"


def test_nested_loops_stop_at_the_iteration_limit():
    # Three nested loops of 10,000 would run 10^12 times: the sandbox stops them after MAX_LOOP_ITERATIONS.
    template = make_docx("{% set s = 'x' * 10000 %}{% for a in s %}{% for b in s %}{% for c in s %}."
                         "{% endfor %}{% endfor %}{% endfor %}")
    started = time.monotonic()
    with pytest.raises(TemplateProblem, match=f"more than {MAX_LOOP_ITERATIONS} times"):
        validate_docx(template, LIMIT, sample=SAMPLE_CONTEXT)
    assert time.monotonic() - started < 10


def test_loops_over_a_real_letter_render():
    context = copy.deepcopy(SAMPLE_CONTEXT)
    context["invoices"] = context["invoices"] * 500
    template = make_docx("{% for inv in invoices %}{% for other in invoices[:10] %}{{ inv.number }}"
                         "{% endfor %}{% endfor %}")
    text = docx_paragraphs(render_docx(template, context))[0][1]
    assert text.count("INV/2026/00001") == 5000


def test_recursive_loops_refused():
    template = make_docx("{% for x in invoices recursive %}{{ loop([1, 2]) }}{% endfor %}")
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(template, LIMIT)
    assert problem.value.code == "forbidden_tag"


def test_render_time_limit():
    template = make_docx("{% for a in invoices %}{{ a.number }}{% endfor %}")
    with pytest.raises(TemplateProblem, match="too long"):
        render_docx(template, SAMPLE_CONTEXT, time_limit=-1.0)


def test_range_is_not_available():
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(make_docx("{% for i in range(10**9) %}x{% endfor %}"), LIMIT)
    assert (problem.value.code, problem.value.params) == ("unknown_variable", {"variable": "range"})


@pytest.mark.parametrize("relationship", [
    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
    'Target="http://127.0.0.1:8069/web/image" TargetMode="External"/>',
    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'attachedTemplate" Target="file:///etc/passwd" TargetMode=\'External\'/>',
    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
    'Target="https://example.com" TargetMode="&#69;xternal"/>',
])
def test_external_relationships_refused(relationship):
    template = with_relationship(make_docx("Dear {{ recipient.name }}"), "word/_rels/document.xml.rels", relationship)
    with pytest.raises(TemplateProblem) as problem:
        validate_docx(template, LIMIT, sample=SAMPLE_CONTEXT)
    assert problem.value.code == "external_link"
    assert re.search(r"document\.xml\.rels", problem.value.english())
    with pytest.raises(TemplateProblem) as problem:
        render_docx(template, SAMPLE_CONTEXT)
    assert problem.value.code == "external_link"


def test_internal_relationships_accepted():
    template = make_docx("Dear {{ recipient.name }}")
    assert validate_docx(template, LIMIT, sample=SAMPLE_CONTEXT) == {"recipient"}
