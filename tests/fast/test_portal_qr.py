"""The shipped customer letters print the portal link and its QR code, and nothing of it without a link."""

import copy
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from jinja2.sandbox import SecurityError

from tools.docx_render import SAMPLE_CONTEXT, TemplateProblem, docx_paragraphs, render_docx

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "letter_templates"
URL = SAMPLE_CONTEXT["letter"]["portal_url"]


def render(name, url):
    context = copy.deepcopy(SAMPLE_CONTEXT)
    context["letter"]["portal_url"] = url
    data = render_docx((SHIPPED / name).read_bytes(), context)
    text = "\n".join(text for _part, text in docx_paragraphs(data))
    return text, Document(BytesIO(data)).inline_shapes


@pytest.mark.parametrize(("name", "line"), [
    ("en_US_reminder_1.docx", "Pay, confirm the balance, promise or dispute online: "),
    ("zh_CN_reminder_1.docx", "在线付款、对账确认、承诺付款或提出异议："),
])
def test_reminder_prints_link_and_qr_code(name, line):
    text, images = render(name, URL)
    assert line + URL in text
    assert len(images) == 1
    text, images = render(name, "")
    assert line not in text
    assert len(images) == 0


def test_court_document_has_no_link():
    text, images = render("en_US_statement_of_claim.docx", URL)
    assert URL not in text
    assert len(images) == 0


def test_template_cannot_reach_the_image_internals():
    doc = Document()
    doc.add_paragraph("{{ letter.portal_qr._image.tpl }}")
    output = BytesIO()
    doc.save(output)
    with pytest.raises((TemplateProblem, SecurityError)):
        render_docx(output.getvalue(), SAMPLE_CONTEXT)
