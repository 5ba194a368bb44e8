from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_policy_id = fields.Many2one(
        "collection.policy", string="Default Collection Policy",
        domain="[('company_id', '=', id)]",
        help="Followed by customers who have neither a policy of their own nor one for their customer type.",
    )
