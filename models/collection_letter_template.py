import base64

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import file_open

from ..tools.docx_render import DOCX_MIME, SAMPLE_CONTEXT, TemplateProblem, docx_paragraphs, find_phrases, validate_docx

LETTER_KINDS = [
    ("reminder_1", "First reminder"),
    ("reminder_2", "Second reminder"),
    ("reminder_3", "Third reminder"),
    ("formal_demand", "Formal demand"),
    ("final_notice", "Final notice"),
    ("lawyer", "Lawyer letter"),
    ("balance_confirmation", "Balance confirmation"),
    ("payment_plan", "Payment-plan agreement"),
    ("settlement", "Settlement agreement"),
    ("statement_of_claim", "Statement of claim"),
    ("preservation_application", "Preservation application"),
    ("enforcement_application", "Enforcement application"),
    ("evidence_index", "Evidence index"),
]
# Court documents, drafted from a legal case: filed with the court, not sent to the debtor as a demand, so they
# never interrupt limitation when delivered and the calendar never drafts them.
COURT_KINDS = ("statement_of_claim", "preservation_application", "enforcement_application", "evidence_index")
# Documents the debtor signs: a signed copy returned is an acknowledgement of the debt.
ACKNOWLEDGEMENT_KINDS = {"balance_confirmation", "payment_plan", "settlement"}
COMPLIANCE_STATES = [
    ("clean", "No flagged phrase"),
    ("flagged", "Flagged: waits for a collection manager"),
    ("accepted", "Accepted by a collection manager"),
]
SHIPPED_DIR = "account_collection_litigation/data/letter_templates/"
MAX_BYTES_PARAM = "account_collection_litigation.letter_template_max_bytes"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024


def lang_selection(model):
    """Every language Odoo knows, installed or not: a template may be written before its language is active."""
    langs = model.env["res.lang"].with_context(active_test=False).search_read([], ["code", "name"], order="name")
    return [(lang["code"], lang["name"]) for lang in langs]


class CollectionLetterTemplate(models.Model):
    """A Word document with docxtpl tags that letters of one kind and language are rendered from."""

    _name = "collection.letter.template"
    _description = "Collection Letter Template"
    _inherit = ["mail.thread"]
    _order = "kind, lang, sequence, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(LETTER_KINDS, required=True, tracking=True)
    lang = fields.Selection(selection=lang_selection, string="Language", required=True, tracking=True,
                            default=lambda self: self.env.lang or "en_US")
    company_id = fields.Many2one("res.company", index=True, tracking=True,
                                 help="Empty: the template serves every company.")
    template_file = fields.Binary(string="Word Template", required=True, attachment=True,
                                  help="A .docx with docxtpl tags; see the Tags tab for the variables.")
    template_filename = fields.Char(string="File Name")
    shipped_file = fields.Char(readonly=True, copy=False,
                               help="The template shipped with the addon that this one can be restored to.")
    variables = fields.Char(string="Variables Used", readonly=True, copy=False)
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain=[("model", "=", "collection.letter")],
        help="The email that carries the letter; empty: the generic one.",
    )
    compliance_state = fields.Selection(COMPLIANCE_STATES, string="Compliance", readonly=True, copy=False,
                                        default="clean", tracking=True)
    compliance_hits = fields.Text(string="Flagged Phrases", readonly=True, copy=False)
    accepted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    accepted_date = fields.Datetime(readonly=True, copy=False)

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("template_file"):
                vals.update(self._prepare_upload_vals(vals["template_file"], vals.get("lang") or self.env.lang))
        templates = super().create(vals_list)
        templates._post_upload_message()
        return templates

    def write(self, vals):
        if "template_file" not in vals:
            return super().write(vals)
        if not vals["template_file"]:
            raise ValidationError(self.env._("A letter template needs its Word file."))
        # each template is checked against the phrases of its own language; nothing is written on a refusal
        for template in self:
            upload = template._prepare_upload_vals(vals["template_file"], vals.get("lang") or template.lang)
            super(CollectionLetterTemplate, template).write({**vals, **upload})
        self._post_upload_message()
        return True

    # === Actions === #
    def action_download(self):
        self.ensure_one()
        filename = self.template_filename or f"{self.name}.docx"
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/collection.letter.template/{self.id}/template_file/{filename}?download=true",
            "target": "self",
        }

    def action_restore_shipped(self):
        """Put back the .docx shipped with the addon (it is checked like an upload)."""
        for template in self:
            path = template.shipped_file
            if not path or not path.startswith(SHIPPED_DIR) or ".." in path:
                raise UserError(self.env._("%(template)s was not shipped with the addon: there is nothing to "
                                           "restore.", template=template.name))
            with file_open(path, "rb") as handle:
                data = handle.read()
            template.write({"template_file": base64.b64encode(data), "template_filename": path.rsplit("/", 1)[1]})
        return True

    def action_accept_compliance(self):
        """A collection manager accepts a template whose text matched the compliance phrases."""
        if not self.env.user.has_group("account_collection_litigation.group_collection_manager"):
            raise AccessError(self.env._("Only a collection manager may accept a flagged letter template."))
        flagged = self.filtered(lambda t: t.compliance_state == "flagged")
        flagged.write({"compliance_state": "accepted", "accepted_by_id": self.env.user.id,
                       "accepted_date": fields.Datetime.now()})
        for template in flagged:
            template.message_post(body=Markup("%s<br/>%s") % (
                self.env._("Accepted despite the flagged phrases:"), template.compliance_hits or ""))
        return True

    # === Business === #
    @api.model
    def _max_bytes(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_BYTES_PARAM)
        return int(value) if value and value.isdigit() else DEFAULT_MAX_BYTES

    @api.model
    def _prepare_upload_vals(self, file_b64, lang):
        """Check an uploaded .docx; raise ValidationError naming the problem, or return the values to store."""
        try:
            data = base64.b64decode(file_b64, validate=True)
        except ValueError as exc:
            raise ValidationError(self.env._("The uploaded file could not be read.")) from exc
        try:
            used = validate_docx(data, self._max_bytes(), sample=SAMPLE_CONTEXT)
        except TemplateProblem as problem:
            raise ValidationError(self._problem_message(problem)) from problem
        hits = self._compliance_hits(data, lang)
        return {
            "variables": ", ".join(sorted(used)),
            "compliance_state": "flagged" if hits else "clean",
            "compliance_hits": "\n".join(
                self.env._("“%(phrase)s” (%(category)s) in: %(text)s", phrase=phrase.phrase,
                           category=phrase._category_label(), text=text)
                for phrase, _part, text in hits) or False,
            "accepted_by_id": False,
            "accepted_date": False,
        }

    @api.model
    def _compliance_hits(self, data, lang):
        phrases = self.env["collection.letter.phrase"].sudo()._for_lang(lang)
        by_text = {phrase.phrase: phrase for phrase in phrases}
        hits = find_phrases(docx_paragraphs(data), list(by_text))
        return [(by_text[text], part, excerpt) for text, part, excerpt in hits]

    def _post_upload_message(self):
        for template in self.filtered(lambda t: t.compliance_state == "flagged"):
            template.message_post(body=Markup("%s<br/>%s") % (
                self.env._("This template contains phrases that may threaten, claim false authority or exaggerate "
                           "consequences. A collection manager must accept it before letters use it:"),
                template.compliance_hits))

    @api.model
    def _problem_message(self, problem):
        """The translated message of a TemplateProblem, with where it is."""
        params = problem.params
        messages = {
            "too_large": lambda: self.env._(
                "The file is %(size)s KB; a letter template may be at most %(limit)s KB.",
                size=round(params["size"] / 1024), limit=round(params["limit"] / 1024)),
            "not_docx": lambda: self.env._("This is not a Word document: upload a .docx file."),
            "corrupt": lambda: self.env._("The Word document is damaged and cannot be read (%(error)s).",
                                          error=params["error"]),
            "syntax": lambda: self.env._("A tag does not parse: %(error)s.", error=params["error"]),
            "forbidden_tag": lambda: self.env._("The tag “%(tag)s” is not allowed in letters.", tag=params["tag"]),
            "private_attribute": lambda: self.env._(
                "The tag uses “%(attribute)s”: names starting with an underscore are not allowed.",
                attribute=params["attribute"]),
            "unknown_filter": lambda: self.env._("The filter “%(filter)s” is not available in letters.",
                                                 filter=params["filter"]),
            "unknown_variable": lambda: self.env._(
                "Unknown variable “%(variable)s”: see the Tags tab for the variables a letter can use.",
                variable=params["variable"]),
            "render": lambda: self.env._("The template does not render with sample data: %(error)s.",
                                         error=params["error"]),
            "external_link": lambda: self.env._(
                "The document links to an external resource (%(target)s in %(part)s): a template must be "
                "self-contained. Embed the image or remove the link, then upload it again.",
                target=params["target"], part=params["part"]),
        }
        message = messages[problem.code]()
        where = problem.where
        if where:
            parts = {"body": self.env._("the body"), "header": self.env._("the header"),
                     "footer": self.env._("the footer"), "footnotes": self.env._("the footnotes"),
                     "document properties": self.env._("the document properties")}
            message += " " + self.env._("Where: %(part)s, paragraph %(paragraph)s: “%(text)s”.",
                                        part=parts.get(where["part"], where["part"]), paragraph=where["paragraph"],
                                        text=where["text"])
        return message

    def _template_bytes(self):
        self.ensure_one()
        return base64.b64decode(self.with_context(bin_size=False).template_file)

    @api.model
    def _find(self, kind, lang, company):
        """The template to use for a kind in a language: the company's own before a shared one, the exact
        language, else the same language in another country, else English, else any; never a flagged one."""
        templates = self.search([
            ("kind", "=", kind), ("compliance_state", "!=", "flagged"),
            "|", ("company_id", "=", False), ("company_id", "parent_of", company.id),
        ])
        if not templates:
            return templates

        def rank(template):
            lang_rank = (0 if template.lang == lang else 1 if template.lang[:2] == (lang or "")[:2]
                         else 2 if template.lang == "en_US" else 3)
            return (lang_rank, 0 if template.company_id else 1, template.sequence, template.id)

        return min(templates, key=rank)

    @api.model
    def _docx_mimetype(self):
        return DOCX_MIME
