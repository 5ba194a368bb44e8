from odoo import fields, models

from .collection_policy import CUSTOMER_TYPES


class CollectionCallScript(models.Model):
    """What to say on the phone, for a customer type and an objection (either may be left open); the worklist
    proposes the one that fits best: both matching, then the objection, then the type, then a general one."""

    _name = "collection.call.script"
    _description = "Call Script"
    _order = "sequence, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share with every company.")
    customer_type = fields.Selection(CUSTOMER_TYPES, help="Leave empty: every customer type.")
    objection_id = fields.Many2one("collection.dispute.reason", check_company=True,
                                   help="Leave empty: before any objection.")
    body = fields.Html(string="Script", translate=True, sanitize=True)
