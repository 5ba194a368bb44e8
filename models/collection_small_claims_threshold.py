from odoo import api, fields, models


class CollectionSmallClaimsThreshold(models.Model):
    """The small-claims ceiling of a province for a year (CPL 2023 rev. art. 165): 50 % of the province's average
    annual wage of employed persons of the year before. A simple money claim at or below it must go to the
    small-claims procedure (one trial, no appeal, fee halved); up to four times it (200 % of the wage) the parties
    may agree to it. Editable data: the provinces publish the wage every year."""

    _name = "collection.small.claims.threshold"
    _description = "Small-claims Threshold"
    _order = "year desc, state_id"

    # === Fields === #
    state_id = fields.Many2one("res.country.state", string="Province", required=True, index=True)
    year = fields.Integer(required=True, help="The year the threshold applies in (from 1 January).")
    threshold = fields.Float(string="Threshold (CNY)", required=True, digits=(16, 2),
                             help="50 % of the province's average annual wage of the year before.")
    source = fields.Char(required=True, help="Where the figure was published.")

    _sql_constraints = [
        ("state_year_unique", "UNIQUE(state_id, year)", "One threshold per province and year."),
        ("threshold_positive", "CHECK(threshold > 0)", "The threshold must be positive."),
    ]

    @api.depends("state_id", "year")
    def _compute_display_name(self):
        for row in self:
            row.display_name = f"{row.state_id.name or ''} {row.year or ''}".strip()

    @api.model
    def _threshold_for(self, state, year):
        """The row for the province in force in `year`: that year's, else the latest before it."""
        if not state:
            return self.browse()
        return self.search([("state_id", "=", state.id), ("year", "<=", year)], order="year desc", limit=1)
