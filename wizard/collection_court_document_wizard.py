from odoo import api, fields, models

from ..models.collection_letter_template import COURT_KINDS, LETTER_KINDS


def installed_langs(model):
    return model.env["res.lang"].get_installed()


class CollectionCourtDocumentWizard(models.TransientModel):
    """Draft a court document from a legal case: the kind and the language (the debtor's by default)."""

    _name = "collection.court.document.wizard"
    _description = "Draft a Court Document"
    _check_company_auto = True

    # === Default methods === #
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "collection.case" and self.env.context.get("active_id"):
            case = self.env["collection.case"].browse(self.env.context["active_id"])
            values["case_id"] = case.id
            lang = case.partner_id.lang or case.company_id.partner_id.lang
            values["lang"] = self.env["collection.letter.engine"]._installed_lang(lang, self.env.lang)
        return values

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id")
    kind = fields.Selection([kind for kind in LETTER_KINDS if kind[0] in COURT_KINDS], string="Document",
                            required=True, default="statement_of_claim")
    lang = fields.Selection(selection=installed_langs, string="Language", required=True)
    date = fields.Date(string="Document Date", required=True,
                       default=lambda self: self.env["collection.escalation"]._today())

    # === Actions === #
    def action_generate(self):
        self.ensure_one()
        letter = self.env["collection.letter.engine"]._generate_court_document(
            self.case_id, self.kind, lang=self.lang, day=self.date)
        return {"type": "ir.actions.act_window", "res_model": "collection.letter", "res_id": letter.id,
                "view_mode": "form", "views": [(False, "form")], "name": letter._kind_label()}
