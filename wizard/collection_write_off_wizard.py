from odoo import api, fields, models

from ..models.collection_write_off import TAX_PATHS, WRITE_OFF_REASONS


class CollectionWriteOffWizard(models.TransientModel):
    """Write off what remains of chosen invoices (of a case, or from the invoice list): creates the write-off
    record and requests it (posted at once, or sent to a second legal manager)."""

    _name = "collection.write.off.wizard"
    _description = "Write Off Invoices"

    case_id = fields.Many2one("collection.case", check_company=True, string="Legal Case")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_amount")
    amount = fields.Monetary(string="Remaining", compute="_compute_amount")
    date = fields.Date(required=True, default=lambda self: self.env["collection.escalation"]._today())
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

    def action_write_off(self):
        self.ensure_one()
        record = self.env["collection.write.off"]._write_off_invoices(self.move_ids, self.case_id, company=(
            self.case_id.company_id or (self.move_ids.company_id if len(self.move_ids.company_id) == 1
                                        else self.company_id)), values={
            "date": self.date, "reason": self.reason, "note": self.note, "tax_path": self.tax_path,
            "tax_event_date": self.tax_event_date, "attachment_ids": [(6, 0, self.attachment_ids.ids)],
        })
        return {"type": "ir.actions.act_window", "res_model": "collection.write.off", "res_id": record.id,
                "view_mode": "form"}
