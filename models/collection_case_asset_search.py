from odoo import fields, models


class CollectionCaseAssetSearch(models.Model):
    """The diary of the court's asset re-searches after a termination without assets (终本): every 6 months for 5
    years (Termination Provisions art. 9), planned at termination; each entry records what was found."""

    _name = "collection.case.asset.search"
    _description = "Asset Re-search"
    _order = "date_planned, id"
    _check_company_auto = True

    # === Fields === #
    enforcement_id = fields.Many2one("collection.case.enforcement", required=True, index=True, ondelete="cascade")
    case_id = fields.Many2one(related="enforcement_id.case_id", store=True, index=True)
    company_id = fields.Many2one(related="enforcement_id.company_id", store=True, index=True)
    date_planned = fields.Date(string="Planned For", required=True)
    date_done = fields.Date(string="Done On")
    assets_found = fields.Boolean(help="Assets were found: enforcement may be resumed.")
    result = fields.Text()
