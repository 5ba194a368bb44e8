"""Word templates (docxtpl) rendered in a sandbox, and checked before they are accepted.

- The rendering context is plain data only (dicts with string keys, lists, str, numbers, Decimal, dates):
  `plain()` refuses anything else, so no ORM record, function or module can reach a template.
- Templates run in a Jinja `ImmutableSandboxedEnvironment` without globals (no `range`, `cycler`, `joiner`,
  `lipsum`, `namespace`), without a loader (no `{% import %}`, `{% include %}`, `{% extends %}`), with a short
  list of harmless filters (no `safe`: everything is XML-escaped), with undefined names raising, and with the
  size of `*` and `**` results bounded. The sandbox refuses attributes starting with an underscore
  (`__class__`, `__globals__`, `__mro__`), calls of unsafe methods and changes to the context.
- Memory and time are bounded too, so that a template cannot exhaust the worker: every string or list a template
  builds (`+`, `~`, `%`, the widening methods `ljust`, `center`, `replace`, `join`... and the filters) is at most
  `MAX_TEXT` long, checked before it is built; `format` and `translate` are not available; loops run at most
  `MAX_LOOP_ITERATIONS` times in all (nested loops multiply), recursive loops are refused, the output is at most
  `MAX_OUTPUT` characters, and a render stops after `RENDER_SECONDS`.
- A .docx with an external relationship (`TargetMode="External"`: a linked image, template or frame that Word
  or LibreOffice would fetch) is refused at upload and at rendering, before anything reaches LibreOffice.
- `validate_docx` checks an uploaded file: its size, that it is a Word document, that every tag parses, that
  it uses only the documented variables and no private attribute or import, and that it renders the sample
  context. A problem is raised as a `TemplateProblem` with a code, parameters and where it is (part,
  paragraph, text), which the model turns into a translated message.

No Odoo import: the fast tests run this without a database.
"""

import html
import re
import struct
import time
import traceback
import zipfile
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from itertools import chain

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

# The top-level variables of the context, with the keys of each (documented in the template form).
CONTEXT_KEYS = {
    "company": ("name", "address", "address_lines", "city", "vat", "registry", "phone", "email", "website",
                "bank"),
    "recipient": ("name", "ref", "address", "address_lines", "vat", "contact", "email", "phone"),
    "letter": ("reference", "date", "kind", "title", "deadline", "deadline_days", "language", "portal_url",
               "portal_qr"),
    "invoices": ("number", "contract", "date", "due_date", "amount", "open_amount", "days_overdue", "interest",
                 "compensation"),
    "totals": ("count", "open_amount", "interest", "compensation", "claimed", "interest_claimed",
               "compensation_claimed", "total", "total_words"),
    "currency": ("name", "symbol"),
    "collector": ("name", "function", "phone", "email"),
    "lawyer": ("name", "firm", "licence", "phone", "email", "address"),
    "case": ("reference", "court", "court_case_number", "procedure", "jurisdiction", "filing_date", "creditor",
             "debtor", "lawyer", "law_firm", "currency", "claim", "invoices", "evidence", "preservations",
             "preservation", "judgment", "enforcement", "letters"),
    "plan": ("instalments",),
}
ALLOWED_VARIABLES = frozenset(CONTEXT_KEYS)

# What every template is test-rendered with at upload: the same shape as a real letter's context.
SAMPLE_CONTEXT = {
    "company": {
        "name": "Example Trading Co., Ltd.", "address": "1 Example Road, Shanghai 200000, China",
        "address_lines": ["1 Example Road", "Shanghai 200000", "China"], "city": "Shanghai",
        "vat": "91310000000000000X", "registry": "310000000000000", "phone": "+86 21 0000 0000",
        "email": "ar@example.com", "website": "www.example.com",
        "bank": {"bank": "Example Bank, Shanghai Branch", "account": "6222 0000 0000 0000",
                 "holder": "Example Trading Co., Ltd.", "bic": "EXAMCNSH"},
    },
    "recipient": {
        "name": "Sample Customer Ltd.", "ref": "C0001", "address": "2 Customer Street, Beijing 100000, China",
        "address_lines": ["2 Customer Street", "Beijing 100000", "China"], "vat": "91110000000000000X",
        "contact": "Ms. Li", "email": "ap@customer.example", "phone": "+86 10 0000 0000",
    },
    "letter": {"reference": "LTR/2026/00001", "date": "2 March 2026", "kind": "First reminder",
               "title": "Payment reminder", "deadline": "12 March 2026", "deadline_days": 10, "language": "en_US",
               "portal_url": "https://erp.example.com/my/collection?token=sample",
               "portal_qr": ""},  # the renderer replaces it with the QR code of portal_url
    "invoices": [
        {"number": "INV/2026/00001", "contract": "C-2025-001", "date": "5 January 2026",
         "due_date": "4 February 2026", "amount": "1,000.00", "open_amount": "1,000.00", "days_overdue": 26,
         "interest": "3.20", "compensation": "0.00"},
    ],
    "totals": {"count": 1, "open_amount": "1,000.00", "interest": "3.20", "compensation": "0.00", "claimed": True,
               "interest_claimed": True, "compensation_claimed": False,
               "total": "1,003.20", "total_words": "One Thousand Three Yuan and Twenty Fen"},
    "currency": {"name": "CNY", "symbol": "¥"},
    "collector": {"name": "Chen Jing", "function": "Accounts receivable", "phone": "+86 21 0000 0001",
                  "email": "collector@example.com"},
    "lawyer": {"name": "Liu Yang", "firm": "Example Law Firm", "licence": "14403200000000000",
               "phone": "+86 755 0000 0000", "email": "lawyer@law.example.com",
               "address": "8 Example Avenue, Shenzhen 518000, China"},
    "case": {
        "reference": "CASE/2026/0001", "court_case_number": "(2026)沪0115民初1234号", "procedure": "Ordinary procedure",
        "jurisdiction": "prc", "filing_date": "2 March 2026",
        "court": {"name": "Shanghai Pudong New Area People's Court", "address": "1 Court Road, Shanghai",
                  "street": "1 Court Road", "street2": "", "city": "Shanghai", "zip": "200120", "country": "China",
                  "vat": "", "company_registry": "", "phone": "", "email": "", "representative": ""},
        "creditor": {"name": "Example Trading Co., Ltd.", "address": "1 Example Road, Shanghai 200000, China",
                     "street": "1 Example Road", "street2": "", "city": "Shanghai", "zip": "200000",
                     "country": "China", "vat": "91310000000000000X", "company_registry": "310000000000000",
                     "phone": "+86 21 0000 0000", "email": "ar@example.com", "representative": ""},
        "debtor": {"name": "Sample Customer Ltd.", "address": "2 Customer Street, Beijing 100000, China",
                   "street": "2 Customer Street", "street2": "", "city": "Beijing", "zip": "100000",
                   "country": "China", "vat": "91110000000000000X", "company_registry": "", "phone": "",
                   "email": "", "representative": ""},
        "lawyer": {"name": "", "address": "", "street": "", "street2": "", "city": "", "zip": "", "country": "",
                   "vat": "", "company_registry": "", "phone": "", "email": "", "representative": ""},
        "law_firm": {"name": "", "address": "", "street": "", "street2": "", "city": "", "zip": "", "country": "",
                     "vat": "", "company_registry": "", "phone": "", "email": "", "representative": ""},
        "currency": "CNY",
        "claim": {"principal": "1,000.00", "interest": "3.20", "compensation": "0.00", "penalty": "0.00",
                  "fees": "0.00", "costs": "0.00", "total": "1,003.20",
                  "total_words": "One Thousand Three Yuan and Twenty Fen", "interest_as_of": "2 March 2026",
                  "interest_explanation": "INV/2026/00001: 1,000.00 × 4.50 % × 26 / 365 = 3.20",
                  "interest_lines": ["INV/2026/00001:", "1,000.00 × 4.50 % × 26 / 365 = 3.20"],
                  "has_interest": True, "has_compensation": False, "has_penalty": False, "has_fees": False,
                  "has_costs": False},
        "invoices": [{"number": "INV/2026/00001", "date": "5 January 2026", "due_date": "4 February 2026",
                      "amount_total": "1,000.00", "amount_claimed": "1,000.00", "interest": "3.20",
                      "contract_ref": "C-2025-001", "limitation_deadline": "4 February 2029"}],
        "evidence": [{"number": 1, "item": "Sales contract", "category": "Contract", "category_code": "contract",
                      "file": "contract.pdf", "added_on": "2026-03-01 10:00:00", "sha256": "0" * 64,
                      "sha256_short": "000000000000", "source": "", "note": ""}],
        "preservations": [{"asset_type": "bank_deposit", "asset_label": "Bank deposit",
                           "description": "Account 6222 0000 1234", "amount": "1,003.20", "ruling_number": "",
                           "measure_date": "", "expiry_date": "", "security_amount": "1,003.20",
                           "security_form": "insurance", "security_label": "Preservation insurance"}],
        "preservation": {"amount": "1,003.20", "amount_words": "One Thousand Three Yuan and Twenty Fen",
                         "security_amount": "1,003.20", "has_security": True},
        "judgment": {"number": "(2026)沪0115民初1234号", "date": "2 June 2026", "principal": "1,000.00",
                     "interest": "3.20", "costs": "50.00", "total": "1,053.20", "effective_date": "20 June 2026",
                     "performance_due": "30 June 2026", "performed": "0.00", "outstanding": "1,053.20",
                     "late_interest": "0.00", "late_interest_explanation": "", "late_interest_lines": [],
                     "to_enforce": "1,053.20",
                     "to_enforce_words": "One Thousand Fifty-Three Yuan and Twenty Fen"},
        "enforcement": {"number": "", "application_date": "", "assets": [
            {"type": "bank_deposit", "label": "Bank deposit", "description": "Account 6222 0000 1234",
             "estimated_value": "1,003.20"}]},
        "letters": [{"reference": "LTR/2026/00001", "kind": "Lawyer letter", "date": "2 March 2026",
                     "delivery_date": "4 March 2026", "proof": True}],
    },
    "plan": {"instalments": [{"number": 1, "date": "31 March 2026", "amount": "501.60"}]},
}

# Filters a letter may use: formatting only. `safe` is left out on purpose (it would bypass XML escaping).
ALLOWED_FILTERS = frozenset({
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join", "last",
    "length", "list", "lower", "max", "min", "replace", "round", "sort", "string", "sum", "title", "trim",
    "truncate", "upper", "wordcount",
})
FORBIDDEN_NODES = {nodes.Import: "import", nodes.FromImport: "from ... import", nodes.Include: "include",
                   nodes.Extends: "extends"}
MAX_REPEAT = 10_000      # longest string or list that `*` may build
MAX_EXPONENT = 64
MAX_TEXT = 100_000       # longest string or list any other operation, method or filter may build
MAX_LOOP_ITERATIONS = 100_000   # loop iterations of one render, all loops together
MAX_OUTPUT = 20_000_000  # characters a part of the document may render to
RENDER_SECONDS = 20.0    # a validation or a rendering stops after this
# str methods that can build a string far larger than their inputs: bounded before the call, or refused.
WIDENING_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join"}
REFUSED_METHODS = {"format", "format_map", "translate"}
PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
PLAIN_SCALARS = (str, int, float, Decimal, date, datetime, bool, type(None))
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
QR_MASK = 0
QR_BOX_PIXELS = 8
QR_COLOURS = [255, 0] + [0] * 254       # module value (1: dark) to pixel (0: black)
# Content types (ends) of the parts docxtpl renders or python-docx needs to; footnotes are rendered from bytes.
PARSED_PARTS = ("document.main+xml", "template.main+xml", "macroEnabled.main+xml", "header+xml", "footer+xml",
                "core-properties+xml")


class TemplateProblem(Exception):
    """A template that cannot be accepted or rendered: `code`, its `params`, and `where` (part, paragraph, text)."""

    MESSAGES = {
        "too_large": "The file is {size} bytes; templates are limited to {limit} bytes.",
        "not_docx": "This is not a Word document (.docx).",
        "corrupt": "The Word document is damaged and cannot be read: {error}",
        "syntax": "A tag does not parse: {error}",
        "forbidden_tag": "The tag {tag} is not allowed in letters.",
        "private_attribute": "The tag uses the private attribute {attribute}.",
        "unknown_filter": "The filter {filter} is not available in letters.",
        "unknown_variable": "Unknown variable {variable}.",
        "render": "The template cannot be rendered: {error}",
        "external_link": "The document links to an external resource ({target} in {part}); templates must be "
                         "self-contained: embed the image or remove the link.",
    }

    def __init__(self, code, where=None, **params):
        self.code = code
        self.where = where          # {"part": "body", "paragraph": 3, "text": "..."} or None
        self.params = params
        super().__init__(self.english())

    def english(self):
        message = self.MESSAGES[self.code].format(**self.params)
        if self.where:
            message += f" ({self.where['part']}, paragraph {self.where['paragraph']}: {self.where['text']!r})"
        return message


def _size(value):
    return len(value) if isinstance(value, str | list | tuple | dict) else 0


def _check_size(size, what):
    if size > MAX_TEXT:
        raise SecurityError(f"{what} would build {size} items or characters; at most {MAX_TEXT}")


def _text_size(value):
    return len(value) if isinstance(value, str) else len(str(value))


class _Bounded(NodeTransformer):
    """Routes every loop through the sandbox's iteration counter and every `~` through its bounded join."""

    def visit_For(self, node):
        self.generic_visit(node)
        if node.recursive:
            raise SecurityError("recursive loops are not allowed in letters")
        node.iter = nodes.Filter(node.iter, "bounded_loop", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        self.generic_visit(node)
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), "bounded_concat", [], [], None, None,
                            lineno=node.lineno)


class LetterSandbox(ImmutableSandboxedEnvironment):
    """A sandbox for letters: no globals, no loader, few filters, undefined names raise; bounded sizes, loops,
    output and time (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, time_limit=RENDER_SECONDS):
        super().__init__(undefined=StrictUndefined, autoescape=True, loader=None)
        self.globals.clear()
        self.filters = {name: self._bounded_filter(func) for name, func in self.filters.items()
                        if name in ALLOWED_FILTERS}
        self.filters.update(bounded_loop=self._bounded_loop, bounded_concat=self._bounded_concat)
        self.tests = {name: func for name, func in self.tests.items()
                      if name in {"defined", "undefined", "none", "number", "string", "even", "odd", "divisibleby",
                                  "eq", "ne", "lt", "le", "gt", "ge", "==", "!=", "<", "<=", ">", ">=", "in"}}
        self.time_limit = time_limit
        self.compiled = {}      # source: template, for a renderer that renders many letters from one template
        self.restart()

    def restart(self):
        """A new render: its own time and loop budget."""
        self.deadline = time.monotonic() + self.time_limit
        self.iterations = 0

    def from_string(self, source, globals=None, template_class=None):   # noqa: A002 - Jinja's signature
        """A part compiled once per renderer: every letter of a template renders the same cleaned XML."""
        if globals or template_class:
            return super().from_string(source, globals, template_class)
        if source not in self.compiled:
            self.compiled[source] = super().from_string(source)
        return self.compiled[source]

    # --- parsing: loops and `~` go through the bounded helpers --- #
    def _parse(self, source, name, filename):
        tree = _Bounded().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return tree

    # --- time, loops and output --- #
    def check_time(self):
        if time.monotonic() > self.deadline:
            raise SecurityError("the template takes too long to render")

    def _bounded_loop(self, iterable):
        for item in iterable:
            self.iterations += 1
            if self.iterations > MAX_LOOP_ITERATIONS:
                raise SecurityError(f"the loops of the template run more than {MAX_LOOP_ITERATIONS} times")
            self.check_time()
            yield item

    def _bounded_concat(self, values):
        _check_size(sum(_text_size(value) for value in values), "~")
        return (markup_join if self.autoescape else str_join)(values)

    def concat(self, pieces):
        """Template.render joins a part's output with this: bounded instead of "".join."""
        size, output = 0, []
        for piece in pieces:
            size += len(piece)
            if size > MAX_OUTPUT:
                raise SecurityError(f"the template renders more than {MAX_OUTPUT} characters")
            output.append(piece)
        return "".join(output)

    # --- sizes: operators, methods, filters --- #
    def call_binop(self, context, operator, left, right):
        self.check_time()
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError("the exponent is too large")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int) and count * len(seq) > MAX_REPEAT:
                    raise SecurityError("the result of * is too large")
        if operator == "+":
            _check_size(_size(left) + _size(right), "+")
        if operator == "%" and isinstance(left, str):
            for width, precision in PERCENT_FIELD.findall(left):
                for number in (width, precision):
                    if number == "*" or (number and int(number) > MAX_TEXT):
                        raise SecurityError("a % format field is too wide")
        return super().call_binop(context, operator, left, right)

    def call(self, context, obj, /, *args, **kwargs):
        self.check_time()
        owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
        if isinstance(owner, str):
            if name in REFUSED_METHODS:
                raise SecurityError(f"str.{name} is not available in letters")
            if name in WIDENING_METHODS:
                _check_size(self._widened_size(owner, name, args, kwargs), f"str.{name}")
        result = super().call(context, obj, *args, **kwargs)
        _check_size(_size(result), getattr(obj, "__name__", "a call"))
        return result

    @staticmethod
    def _widened_size(text, name, args, kwargs):
        """The size of `text.name(*args)` before it is built (an upper bound)."""
        first = args[0] if args else next(iter(kwargs.values()), 0)
        if name in ("center", "ljust", "rjust", "zfill"):
            return max(first, len(text)) if isinstance(first, int) else len(text)
        if name == "expandtabs":
            tab = first if isinstance(first, int) and args else 8
            return len(text) + text.count("\t") * max(tab, 0)
        if name == "replace":
            old, new = (args + ("", ""))[:2]
            if not isinstance(old, str) or not isinstance(new, str):
                return len(text)
            return len(text) + (text.count(old) if old else len(text) + 1) * len(new)
        # join
        items = list(first) if isinstance(first, list | tuple | str) else []
        return sum(_text_size(item) for item in items) + len(text) * max(len(items) - 1, 0)

    def _bounded_filter(self, func):
        """A filter whose result (a string or a list) stays within MAX_TEXT; `join`, `replace` and `sum` are
        checked before they build it."""
        name = getattr(func, "__name__", "")

        def bounded(*args, **kwargs):
            self.check_time()
            values = args[1:] if getattr(func, "jinja_pass_arg", None) else args   # after the context argument
            if name == "do_join" and values:
                items = list(values[0]) if isinstance(values[0], list | tuple | str) else []
                separator = values[1] if len(values) > 1 else kwargs.get("d", "")
                _check_size(sum(_text_size(item) for item in items) + _text_size(separator) * len(items), "join")
            elif name == "do_replace" and len(values) >= 3:
                text, old, new = (str(value) for value in values[:3])
                _check_size(len(text) + (text.count(old) if old else len(text) + 1) * len(new), "replace")
            elif name == "do_sum" and values:
                items = list(values[0]) if isinstance(values[0], list | tuple) else []
                _check_size(sum(_size(item) for item in items), "sum")
            result = func(*args, **kwargs)
            _check_size(_size(result), name)
            return result

        if hasattr(func, "jinja_pass_arg"):     # the pass_context / pass_environment marker Jinja reads
            bounded.jinja_pass_arg = func.jinja_pass_arg
        return bounded


def plain(value, path="context"):
    """A copy of the context made of plain data only; anything else (a record, a function) raises TypeError."""
    if isinstance(value, str):
        return str.__str__(value)           # a Markup or other str subclass becomes a plain str
    if isinstance(value, PLAIN_SCALARS):
        return value
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: key {key!r} is not a string")
            result[key] = plain(item, f"{path}.{key}")
        return result
    if isinstance(value, list | tuple):
        return [plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise TypeError(f"{path}: {type(value).__name__} is not plain data")


def _docx_template(data, patched=None, reader=None):
    """A docxtpl template of the bytes; with a `patched` dict, docxtpl's tag cleaning of a part (regular
    expressions over the whole XML) is done once for all the documents rendered from the same bytes, and with
    the file's `reader` (a python-docx PackageReader) the file is not read again (see _load_document)."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(BytesIO(data))
    if reader is None:
        tpl.init_docx()
    else:
        tpl.docx = _load_document(reader)
    if patched is not None:
        clean = tpl.patch_xml

        def patch_xml(src_xml):
            if src_xml not in patched:
                patched[src_xml] = clean(src_xml)
            return patched[src_xml]

        tpl.patch_xml = patch_xml
    return tpl


def _load_document(reader):
    """A python-docx Document from a read package in which only the parts a rendering reads or changes are
    parsed (PARSED_PARTS, images); the others (styles, theme, settings, fonts, numbering: most of the bytes of a
    file) stay bytes, neither parsed nor serialized again for each letter."""
    from docx.opc.package import Unmarshaller
    from docx.opc.part import Part, PartFactory
    from docx.package import Package

    def part_factory(partname, content_type, reltype, blob, package):
        if content_type.endswith(PARSED_PARTS) or content_type.startswith("image/"):
            return PartFactory(partname, content_type, reltype, blob, package)
        return Part(partname, content_type, blob, package)

    package = Package()
    Unmarshaller.unmarshal(reader, package, part_factory)
    return package.main_document_part.document


def _part_name(partname):
    name = str(partname).rsplit("/", 1)[-1]
    for prefix, label in (("header", "header"), ("footer", "footer"), ("footnotes", "footnotes")):
        if name.startswith(prefix):
            return label
    return "body"


def _prepare(tpl, xml):
    """The XML of a part as docxtpl hands it to Jinja: tags cleaned, one paragraph per line."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))


def _template_sources(tpl):
    """[(part label, Jinja source)] of every part docxtpl renders: body, headers, footers, footnotes,
    document properties."""
    from docx.oxml import parse_xml

    sources = [("body", _prepare(tpl, tpl.get_xml()))]
    for uri in (HEADER_URI, FOOTER_URI):
        for _rel, part in tpl.get_headers_footers(uri):
            sources.append((_part_name(part.partname), _prepare(tpl, tpl.xml_to_string(parse_xml(part.blob)))))
    for part in tpl.docx.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            sources.append(("footnotes", _prepare(tpl, blob)))
    props = tpl.docx.core_properties
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        sources.append(("document properties", getattr(props, prop) or ""))
    return sources


def _where(part, source, lineno):
    """Part, paragraph number and visible text of a line of a prepared source."""
    lines = source.splitlines() or [""]
    lineno = min(max(lineno or 1, 1), len(lines))
    paragraph = sum(1 for line in lines[:lineno] if line.startswith("<w:p"))
    text = html.unescape(re.sub(r"<[^>]+>", "", lines[lineno - 1])).strip()
    return {"part": part, "paragraph": paragraph, "text": text[:120]}


def _check_source(env, part, source):
    """Variables a part uses; raises TemplateProblem on a syntax error, an import, a private attribute."""
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem("syntax", _where(part, source, exc.lineno), error=exc.message) from exc
    except SecurityError as exc:    # a recursive loop
        raise TemplateProblem("forbidden_tag", tag="for ... recursive") from exc
    for node_type, tag in FORBIDDEN_NODES.items():
        for node in tree.find_all(node_type):
            raise TemplateProblem("forbidden_tag", _where(part, source, node.lineno), tag=tag)
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else (
            node.arg.value if isinstance(node.arg, nodes.Const) else None)
        if isinstance(attr, str) and attr.startswith("_"):
            raise TemplateProblem("private_attribute", _where(part, source, node.lineno), attribute=attr)
    for node in tree.find_all(nodes.Filter):
        if node.name not in env.filters:
            raise TemplateProblem("unknown_filter", _where(part, source, node.lineno), filter=node.name)
    variables = meta.find_undeclared_variables(tree)
    return tree, variables


def check_zip(data, max_size):
    """Size and container of an upload; raises TemplateProblem."""
    if len(data) > max_size:
        raise TemplateProblem("too_large", size=len(data), limit=max_size)
    if not zipfile.is_zipfile(BytesIO(data)):
        raise TemplateProblem("not_docx")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise TemplateProblem("not_docx")
            # a small file that unpacks to gigabytes is refused before anything reads it
            if sum(info.file_size for info in archive.infolist()) > 20 * max_size:
                raise TemplateProblem("too_large", size=len(data), limit=max_size)
            bad = archive.testzip()
            if bad:
                raise TemplateProblem("corrupt", error=f"{bad} is damaged")
            _check_relationships(archive)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise TemplateProblem("corrupt", error=str(exc)) from exc


def _check_relationships(archive):
    """Refuse a relationship Word or LibreOffice would follow outside the file (TargetMode="External": a linked
    image, an attached template, a frame, a hyperlink), read by a real XML parser as they read it."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    for name in archive.namelist():
        if not name.endswith(".rels"):
            continue
        try:
            root = etree.fromstring(archive.read(name), parser)
        except etree.XMLSyntaxError as exc:
            raise TemplateProblem("corrupt", error=f"{name}: {exc}") from exc
        for element in root.iter():
            if str(element.get("TargetMode", "")).strip().lower() == "external":
                raise TemplateProblem("external_link", target=element.get("Target", "")[:200], part=name)


def validate_docx(data, max_size, allowed=ALLOWED_VARIABLES, sample=None):
    """Check an uploaded template and return the variables it uses; raises TemplateProblem.

    With `sample`, the template is also rendered with it, which finds a misspelt key (`recipient.nmae`)."""
    check_zip(data, max_size)
    try:
        tpl = _docx_template(data)
    except Exception as exc:  # python-docx raises many types (KeyError, XMLSyntaxError, ValueError...)
        raise TemplateProblem("corrupt", error=str(exc) or type(exc).__name__) from exc
    env = LetterSandbox()
    used = set()
    for part, source in _template_sources(tpl):
        tree, variables = _check_source(env, part, source)
        unknown = sorted(variables - set(allowed))
        if unknown:
            lineno = next((node.lineno for node in tree.find_all(nodes.Name) if node.name == unknown[0]), 1)
            raise TemplateProblem("unknown_variable", _where(part, source, lineno), variable=unknown[0])
        used |= variables
    if sample is not None:
        render_docx(data, sample)
    return used


def _render_where(tpl, exc):
    """Where a render error happened: the template line of the innermost Jinja frame, in the part being rendered."""
    lineno = getattr(exc, "lineno", None)
    if not lineno:
        frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
        lineno = frames[-1].lineno if frames else None
    part = getattr(tpl, "current_rendering_part", None)
    if not (lineno and part is not None):
        return None
    from docx.oxml import parse_xml

    if part is tpl.docx.part:
        source = _prepare(tpl, tpl.get_xml())
    else:
        source = _prepare(tpl, tpl.xml_to_string(parse_xml(part.blob)))
    return _where(_part_name(part.partname), source, lineno)


def render_docx(template, context, time_limit=RENDER_SECONDS):
    """Render a docxtpl template (bytes) with a plain-data context in the sandbox; the .docx as bytes."""
    return LetterRenderer(template, time_limit).render(context)


class LetterRenderer:
    """Renders any number of documents from one template (bytes): the template's links are checked, its parts
    cleaned and compiled once, so each document costs only a fresh copy of the file, the rendering of the
    compiled parts and the zip. Each render has its own time and loop budget."""

    def __init__(self, template, time_limit=RENDER_SECONDS):
        try:
            with zipfile.ZipFile(BytesIO(template)) as archive:
                _check_relationships(archive)
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise TemplateProblem("corrupt", error=str(exc)) from exc
        from docx.opc.pkgreader import PackageReader

        try:
            self.reader = PackageReader.from_file(BytesIO(template))
        except Exception as exc:  # see validate_docx
            raise TemplateProblem("corrupt", error=str(exc) or type(exc).__name__) from exc
        self.template = template
        self.env = LetterSandbox(time_limit)
        self.patched = {}
        self.compressed = _compressed_entries(template)
        self.content_types = {}     # the parts' names and types: their [Content_Types].xml

    def render(self, context):
        """The .docx (bytes) of a plain-data context."""
        context = plain(context)
        try:
            tpl = _docx_template(self.template, self.patched, self.reader)
        except Exception as exc:  # see validate_docx
            raise TemplateProblem("corrupt", error=str(exc) or type(exc).__name__) from exc
        self.env.restart()
        try:
            tpl.render(_with_images(tpl, context), jinja_env=self.env, autoescape=True)
        except (TemplateError, TypeError, ValueError, RecursionError, ArithmeticError) as exc:
            raise TemplateProblem("render", _render_where(tpl, exc), error=str(exc) or type(exc).__name__) from exc
        return _save_package(tpl.docx.part.package, self.compressed, self.content_types)


def _compressed_entries(data):
    """{member name: (ZipInfo, its data as compressed in the file)} of the deflated members of a .docx."""
    entries = {}
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:     # encrypted: not copied
                continue
            name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
            start = info.header_offset + 30 + name_length + extra_length
            entries[info.filename] = (info, data[start:start + info.compress_size])
    return entries


class _PartWriter:
    """The python-docx package writer's interface (write, close) over a zip, copying the members the rendering
    left as the template holds them (their compressed data, byte for byte) and deflating the others."""

    def __init__(self, archive, compressed, blobs):
        self.archive = archive
        self.compressed = compressed
        self.blobs = blobs      # {member name: the template's bytes of it, as python-docx read them}

    # python-docx's writer interface, not a model's write
    def write(self, pack_uri, blob):  # pylint: disable=method-required-super
        name = pack_uri.membername
        if name in self.compressed and self.blobs.get(name) is blob:
            source, data = self.compressed[name]
            info = zipfile.ZipInfo(name, date_time=source.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.CRC, info.compress_size, info.file_size = source.CRC, source.compress_size, source.file_size
            info.external_attr = source.external_attr
            archive = self.archive
            archive._writecheck(info)
            info.header_offset = archive.fp.tell()
            archive.fp.write(info.FileHeader())
            archive.fp.write(data)
            archive.filelist.append(info)
            archive.NameToInfo[name] = info
            archive.start_dir = archive.fp.tell()
            archive._didModify = True
        else:
            self.archive.writestr(name, blob)

    def close(self):
        self.archive.close()


def _save_package(package, compressed, content_types):
    """The .docx bytes of a rendered package. The parts the rendering did not touch (styles, theme, settings...:
    most of the file) are copied compressed from the template: deflating them again took most of a letter's
    time; the content types of the same parts are written once per renderer (`content_types`, a cache)."""
    from docx.opc.packuri import CONTENT_TYPES_URI
    from docx.opc.pkgwriter import PackageWriter, _ContentTypesItem

    parts = package.parts
    for part in parts:
        part.before_marshal()
    blobs = {part.partname.membername: part._blob for part in parts if type(part).__name__ == "Part"}
    output = BytesIO()
    writer = _PartWriter(zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED), compressed, blobs)
    key = tuple((str(part.partname), part.content_type) for part in parts)
    if key not in content_types:
        content_types[key] = _ContentTypesItem.from_parts(parts).blob
    writer.write(CONTENT_TYPES_URI, content_types[key])
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    writer.close()
    return output.getvalue()


class _QrImage:
    """The QR code of the portal link as `{{ letter.portal_qr }}` prints it: an image docxtpl inserts into the
    part being rendered. Built by the renderer, never by the template; it exposes nothing but its rendering (the
    sandbox refuses the underscore attribute that holds the docxtpl image and, through it, the document)."""

    __slots__ = ("_image",)

    def __init__(self, tpl, url):
        from docx.shared import Mm
        from docxtpl import InlineImage

        self._image = InlineImage(tpl, BytesIO(qr_png(url)), width=Mm(28))

    def __html__(self):
        return self._image.__html__()

    __str__ = __html__


def qr_png(url):
    """The QR code of a url as a PNG image. A fixed mask (any mask scans; trying the eight to pick the best took
    most of a letter's time) and the modules drawn as one image scaled up, not square by square."""
    import qrcode
    from PIL import Image

    code = qrcode.QRCode(border=2, mask_pattern=QR_MASK)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    modules = Image.frombytes("L", (size, size), bytes(chain.from_iterable(matrix)))    # 1 dark, 0 light
    image = modules.point(QR_COLOURS, "1").resize((size * QR_BOX_PIXELS, size * QR_BOX_PIXELS),
                                                  Image.Resampling.NEAREST)
    png = BytesIO()
    image.save(png, format="PNG")
    return png.getvalue()


def _with_images(tpl, context):
    """The context with the images the renderer prepares: `letter.portal_qr`, the QR code of `letter.portal_url`
    (empty without a url)."""
    letter = context.get("letter")
    if isinstance(letter, dict) and "portal_url" in letter:
        url = letter["portal_url"]
        context = dict(context, letter=dict(letter, portal_qr=_QrImage(tpl, url) if url else ""))
    return context


def docx_paragraphs(data):
    """[(part label, paragraph text)] of a .docx: body (with tables), headers and footers."""
    from docx import Document

    document = Document(BytesIO(data))
    parts = [("body", document.element.body)]
    for section in document.sections:
        for label, item in (("header", section.header), ("footer", section.footer)):
            if not item.is_linked_to_previous:
                parts.append((label, item._element))
    result = []
    for label, element in parts:
        for paragraph in element.iter(f"{WORD_NS}p"):
            text = "".join(node.text or "" for node in paragraph.iter(f"{WORD_NS}t"))
            if text.strip():
                result.append((label, text))
    return result


def find_phrases(paragraphs, phrases):
    """[(phrase, part, text)] for each listed phrase found (case and spacing ignored) in the paragraphs."""
    def norm(text):
        return re.sub(r"\s+", " ", text).strip().casefold()

    hits = []
    for phrase in phrases:
        needle = norm(phrase)
        if not needle:
            continue
        for part, text in paragraphs:
            if needle in norm(text):
                hits.append((phrase, part, text.strip()[:160]))
                break
    return hits


def normalize_docx(data):
    """The same .docx with fixed zip timestamps and order, so that a generated file is byte-for-byte stable."""
    source = zipfile.ZipFile(BytesIO(data))
    output = BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            item = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            item.compress_type = zipfile.ZIP_DEFLATED
            item.external_attr = 0o644 << 16
            target.writestr(item, source.read(info.filename))
    return output.getvalue()


def zip_files(files):
    """One zip of [(file name, bytes)], names made unique."""
    output = BytesIO()
    seen = set()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            stem, dot, ext = name.rpartition(".")
            candidate, counter = name, 1
            while candidate in seen:
                counter += 1
                candidate = f"{stem} ({counter}){dot}{ext}" if dot else f"{name} ({counter})"
            seen.add(candidate)
            archive.writestr(candidate, data)
    return output.getvalue()
