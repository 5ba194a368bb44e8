from odoo import fields, models


class CollectionCustomerMixin(models.AbstractModel):
    """A record of the collection work on one customer file (a contact, a promise, a dispute, a payment plan, an
    arrangement): its customer and company follow the file."""

    _name = "collection.customer.mixin"
    _description = "Collection Work on a Customer File"
    _check_company_auto = True

    customer_id = fields.Many2one("collection.customer", string="Customer File", required=True, index=True,
                                  ondelete="restrict", check_company=True)
    partner_id = fields.Many2one(related="customer_id.partner_id", store=True, index=True, string="Customer")
    company_id = fields.Many2one(related="customer_id.company_id", store=True, index=True)
