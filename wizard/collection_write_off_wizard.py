from odoo import api, fields, models

from ..models.collection_write_off import TAX_PATHS, WRITE_OFF_REASONS


class CollectionWriteOffWizard(models.TransientModel):
    """Write off what remains of chosen invoices (of a case, or from the invoice list): creates the write-off
    record and requests it (posted at once, or sent to a second legal manager)."""

    _name = "collection.write.off.wizard"
    _description = "Write Off Invoices"

    case_id = fields.Many2one("collection.case", string="Legal Case")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_amount")
    amount = fields.Monetary(string="Remaining", compute="_compute_amount")
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Selection(WRITE_OFF_REASONS, required=True, default="stop_loss")
    note = fields.Text(string="Explanation")
    tax_path = fields.Selection(TAX_PATHS, string="Tax Route", required=True, default="none")
    tax_event_date = fields.Date(string="Date of the Event")
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence Files")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and "move_ids" in fields_list:
            values["move_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    @api.depends("move_ids")
    def _compute_amount(self):
        for wizard in self:
            wizard.currency_id = wizard.move_ids.currency_id[:1] or wizard.company_id.currency_id
            wizard.amount = sum(wizard.move_ids.mapped("amount_residual"))

    def _case_of(self, moves):
        if self.case_id:
            return self.case_id
        return self.env["collection.case.line"].search([("move_id", "in", moves.ids), ("case_open", "=", True)],
                                                       limit=1).case_id

    def _prepare_vals(self):
        write_offs = self.env["collection.write.off"]
        moves = self.move_ids
        company = moves.company_id[:1] if len(moves.company_id) == 1 and not self.case_id else \
            (self.case_id.company_id or self.company_id)
        currency = write_offs._check_invoices(moves, company)
        case = self._case_of(moves)
        receivables = write_offs._open_receivable_lines(moves)
        return {
            "company_id": company.id, "currency_id": currency.id, "case_id": case.id,
            "partner_id": moves.commercial_partner_id.id, "move_ids": [(6, 0, moves.ids)],
            "amount": sum(receivables.mapped("amount_residual_currency")),
            "amount_company": sum(receivables.mapped("amount_residual")),
            "date": self.date, "reason": self.reason, "note": self.note, "tax_path": self.tax_path,
            "tax_event_date": self.tax_event_date, "attachment_ids": [(6, 0, self.attachment_ids.ids)],
            "judgment_id": case.sudo().judgment_ids[-1:].id if case else False,
            "enforcement_id": case.sudo().enforcement_ids[-1:].id if case else False,
        }

    def action_write_off(self):
        self.ensure_one()
        write_off = self.env["collection.write.off"]
        write_off._check_legal_manager()
        record = write_off.create(self._prepare_vals())
        record.action_request()
        return {"type": "ir.actions.act_window", "res_model": "collection.write.off", "res_id": record.id,
                "view_mode": "form"}
