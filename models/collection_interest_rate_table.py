from decimal import Decimal

from odoo import api, fields, models

from ..tools.interest import RatePoint


class CollectionInterestRateTable(models.Model):
    """A dated reference rate (PRC one-year LPR, ECB main refinancing rate, ...), kept up to date by users."""

    _name = "collection.interest.rate.table"
    _description = "Reference Interest Rate"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short technical name, e.g. LPR_1Y, ECB_MRO, BBK_BASE, BOE_BASE.")
    short_name = fields.Char(translate=True, help="How the explanation of interest names the rate, e.g. LPR, ECB.")
    rate_ids = fields.One2many("collection.interest.rate", "table_id", string="Rates", copy=True)
    current_rate = fields.Float(compute="_compute_current_rate", digits=(16, 4), string="Rate Today (%)")

    _sql_constraints = [("code_unique", "UNIQUE(code)", "Another reference rate has this code.")]

    @api.depends("rate_ids.rate", "rate_ids.valid_from")
    def _compute_current_rate(self):
        today = self.env["collection.escalation"]._today()
        for table in self:
            past = table.rate_ids.filtered(lambda r: r.valid_from <= today).sorted("valid_from")
            table.current_rate = past[-1:].rate

    def _rate_points(self):
        """The table as plain data for the interest engine."""
        return tuple(RatePoint(r.valid_from, Decimal(str(r.rate))) for r in self.rate_ids.sorted("valid_from"))


class CollectionInterestRate(models.Model):
    _name = "collection.interest.rate"
    _description = "Reference Interest Rate Row"
    _order = "table_id, valid_from desc"

    table_id = fields.Many2one("collection.interest.rate.table", required=True, index=True, ondelete="cascade")
    valid_from = fields.Date(required=True)
    rate = fields.Float(string="Rate (% per year)", digits=(16, 4), required=True)

    _sql_constraints = [
        ("valid_from_unique", "UNIQUE(table_id, valid_from)", "A reference rate has one row per date."),
    ]
