from odoo import fields, models
from odoo.exceptions import UserError


class CollectionInterestInvoiceWizard(models.TransientModel):
    """Invoice the overdue interest of chosen invoices accrued up to a day."""

    _name = "collection.interest.invoice.wizard"
    _description = "Invoice Overdue Interest"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    date_to = fields.Date(string="Interest Up To", required=True,
                          default=lambda self: self.env["collection.escalation"]._today())

    def action_confirm(self):
        self.ensure_one()
        self.env["collection.customer"].check_access("write")
        if self.date_to > self.env["collection.escalation"]._today(self.move_ids.company_id[:1]):
            raise UserError(self.env._("Interest can only be invoiced up to today."))
        invoices = self.move_ids._collection_invoice_interest(self.date_to)
        if not invoices:
            raise UserError(self.env._("No interest to invoice: nothing accrued, or invoiced up to this day already."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", invoices.ids)],
            "name": self.env._("Interest Invoices"),
        }
