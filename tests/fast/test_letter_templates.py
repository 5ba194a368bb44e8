"""The committed Word templates are what scripts/build_letter_templates.py builds, and each one is accepted."""

import importlib.util
from pathlib import Path

import pytest

from tools.docx_render import SAMPLE_CONTEXT, docx_paragraphs, render_docx, validate_docx

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "letter_templates"


def load_builder():
    path = ROOT / "scripts" / "build_letter_templates.py"
    spec = importlib.util.spec_from_file_location("build_letter_templates", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILDER = load_builder()
FILES = [BUILDER.file_name(kind, lang) for lang in ("en_US", "zh_CN") for kind in BUILDER.KINDS]


def test_committed_templates_are_the_built_ones(tmp_path):
    BUILDER.main(["build", str(tmp_path)])
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), f"{name}: run the build script"


@pytest.mark.parametrize("name", FILES)
def test_shipped_template_is_accepted_and_renders(name):
    data = (SHIPPED / name).read_bytes()
    validate_docx(data, 2 * 1024 * 1024, sample=SAMPLE_CONTEXT)
    text = "\n".join(text for _part, text in docx_paragraphs(render_docx(data, SAMPLE_CONTEXT)))
    kind = name[len("en_US_"):-len(".docx")]
    if kind in BUILDER.court_documents.COURT_KINDS:
        # a court document: the court, the parties, the claim, its total in words and the invoices of the case
        expected = ["Shanghai Pudong New Area People's Court", "Example Trading Co., Ltd.", "Sample Customer Ltd.",
                    "INV/2026/00001", "1,003.20", "One Thousand Three Yuan"]
    elif kind == "lawyer":
        # from the engaged lawyer and firm, not the company's collector
        expected = ["Sample Customer Ltd.", "INV/2026/00001", "1,003.20", "One Thousand Three Yuan",
                    "12 March 2026", "Liu Yang", "Example Law Firm", "14403200000000000", "lawyer@law.example.com",
                    "8 Example Avenue"]
        assert "Chen Jing" not in text
    else:
        expected = ["Sample Customer Ltd.", "INV/2026/00001", "1,003.20", "One Thousand Three Yuan",
                    "12 March 2026", "Chen Jing"]
    if kind in BUILDER.LETTER_KINDS and kind != "balance_confirmation":   # a reconciliation asks for no payment
        expected.append("6222 0000 0000 0000")
    for value in expected:
        assert value in text, f"{name}: {value!r} missing"
    assert "{{" not in text and "{%" not in text
