from datetime import timedelta

from odoo import api, fields, models


class CollectionInterestInvoice(models.Model):
    """Which interest was invoiced, for which invoice, up to which day: the guard against charging twice."""

    _name = "collection.interest.invoice"
    _description = "Invoiced Overdue Interest"
    _order = "date_to desc, id desc"
    _rec_name = "source_move_id"

    source_move_id = fields.Many2one("account.move", check_company=True,
                                     string="Overdue Invoice", required=True, index=True,
                                     ondelete="cascade")
    interest_move_id = fields.Many2one("account.move", check_company=True,
                                       string="Interest Invoice", required=True, index=True,
                                       ondelete="cascade")
    company_id = fields.Many2one(related="source_move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="source_move_id.currency_id")
    date_to = fields.Date(string="Interest Up To", required=True)
    amount = fields.Monetary(required=True)

    _sql_constraints = [
        ("source_date_unique", "UNIQUE(source_move_id, date_to)", "This interest was invoiced already."),
    ]

    # === Business === #
    @api.model
    def _invoice_monthly(self, chased, today):
        """A side effect of the escalation (collection.escalation._escalation_side_effects): for the policies that
        invoice interest monthly, in the first week of a month, invoice the interest accrued up to the end of the
        previous one on the invoices being chased, given as (file row, rules, result). Once: invoiced interest is
        linked by date."""
        if today.day > 7 or not chased:
            return
        policies = self.env["collection.policy"].browse({rules.id for _file, rules, _result in chased})
        monthly = policies.filtered(lambda p: p.interest_invoicing == "monthly")
        if not monthly:
            return
        month_end = today.replace(day=1) - timedelta(days=1)
        file_ids = [file["id"] for file, rules, _result in chased if rules.id in monthly.ids]
        moves = self.env["account.move"].search([
            *self.env["account.move"]._collection_open_domain(),
            ("collection_customer_id", "in", file_ids), ("collection_pause_id", "=", False),
            ("invoice_date_due", "<", month_end),
            ("collection_interest_invoice_ids", "not any", [("date_to", ">=", month_end)]),
        ])
        moves._collection_invoice_interest(month_end)
