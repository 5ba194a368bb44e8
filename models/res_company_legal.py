from odoo import fields, models

from .collection_case import JURISDICTIONS


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_jurisdiction = fields.Selection(
        JURISDICTIONS, string="Legal Jurisdiction", default="prc",
        help="The preset of legal periods (limitation, preservation, appeal, enforcement) of the company's claims; "
        "a case may choose another.",
    )
