"""One renderer, many letters: each document is the template rendered with its own context, the parts the
rendering does not touch copied as the template holds them, each render with its own time and loop budget."""

import copy
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from PIL import Image

from tools.docx_render import SAMPLE_CONTEXT, LetterRenderer, TemplateProblem, docx_paragraphs, qr_png, render_docx

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "letter_templates"


def context_for(name, url):
    context = copy.deepcopy(SAMPLE_CONTEXT)
    context["recipient"]["name"] = name
    context["letter"]["portal_url"] = url
    return context


def texts(data):
    return "\n".join(text for _part, text in docx_paragraphs(data))


def test_each_letter_of_a_renderer_has_its_own_text_and_qr_code():
    template = (SHIPPED / "en_US_reminder_2.docx").read_bytes()
    renderer = LetterRenderer(template)
    documents = [renderer.render(context_for(f"Customer {n}", f"https://erp.example.com/my/collection?token=t{n}"))
                 for n in range(3)]
    for number, data in enumerate(documents):
        text = texts(data)
        assert f"Customer {number}" in text
        assert f"token=t{number}" in text
        assert all(f"Customer {other}" not in text for other in range(3) if other != number)
        assert len(Document(BytesIO(data)).inline_shapes) == 1
        assert zipfile.ZipFile(BytesIO(data)).testzip() is None
    # the same as one render alone
    alone = render_docx(template, context_for("Customer 1", "https://erp.example.com/my/collection?token=t1"))
    assert texts(alone) == texts(documents[1])


def test_untouched_parts_are_copied_as_the_template_holds_them():
    template = (SHIPPED / "en_US_reminder_1.docx").read_bytes()
    data = LetterRenderer(template).render(context_for("Copy Co", "https://erp.example.com/x"))
    source, output = zipfile.ZipFile(BytesIO(template)), zipfile.ZipFile(BytesIO(data))
    for name in ("word/styles.xml", "word/theme/theme1.xml", "word/settings.xml", "word/fontTable.xml"):
        if name in source.namelist():
            assert output.read(name) == source.read(name), name
            assert output.getinfo(name).CRC == source.getinfo(name).CRC
    assert output.read("word/document.xml") != source.read("word/document.xml")
    # Word's styles still open with python-docx
    assert Document(BytesIO(data)).styles["Normal"].name == "Normal"


def test_a_failing_letter_does_not_spoil_the_next():
    template = (SHIPPED / "en_US_reminder_1.docx").read_bytes()
    renderer = LetterRenderer(template)
    broken = context_for("Broken", "")
    broken["company"] = {}
    with pytest.raises(TemplateProblem):
        renderer.render(broken)
    assert "Fine Co" in texts(renderer.render(context_for("Fine Co", "")))


def test_each_render_has_its_own_loop_budget(monkeypatch):
    from tools import docx_render

    monkeypatch.setattr(docx_render, "MAX_LOOP_ITERATIONS", 5)
    template = (SHIPPED / "en_US_reminder_1.docx").read_bytes()
    renderer = LetterRenderer(template)
    for _run in range(4):     # the loops of one letter never count against the next
        renderer.render(context_for("Loop Co", ""))


def test_qr_code_is_a_black_and_white_png_with_its_finder_pattern():
    image = Image.open(BytesIO(qr_png("https://erp.example.com/my/collection?token=abc")))
    assert image.format == "PNG"
    assert image.mode == "1"
    assert image.size[0] == image.size[1] and image.size[0] % 8 == 0     # 8 pixels a module
    # two white modules of border, the seven black modules of the top-left finder pattern, its white separator
    row = [image.getpixel((x * 8 + 4, 2 * 8 + 4)) for x in range(10)]
    assert row == [255, 255, 0, 0, 0, 0, 0, 0, 0, 255]
