from odoo import fields, models


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
