from odoo import fields, models


class CollectionDisputeReason(models.Model):
    """An objection of the brief's table (collection-process.md, "Common objections"): the reason code of
    disputes and of the objections noted on contacts, with its standard response. Editable by the manager."""

    _name = "collection.dispute.reason"
    _description = "Objection and Dispute Reason"
    _order = "sequence, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(string="Objection", required=True, translate=True)
    code = fields.Char(required=True, help="Short code, for reports and imports.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share with every company.")
    response = fields.Text(string="Standard Response", translate=True)
    needs_staff = fields.Boolean(
        string="Ask Sales or Technical Staff",
        help="A dispute of this reason gives its verification to a salesperson or technical staff as an activity.",
    )
    staff_user_id = fields.Many2one(
        "res.users", string="Verified By", domain=[("share", "=", False)],
        help="Who verifies disputes of this reason; empty: the customer's salesperson.",
    )
    stops_chasing = fields.Boolean(
        default=True,
        help="A dispute of this reason pauses the disputed invoices until it is resolved. Off for objections "
        "that are no dispute of the debt (the person in charge is away, an approval is slow).",
    )

    _sql_constraints = [
        ("code_company_unique", "UNIQUE(code, company_id)", "An objection code is used once per company."),
    ]
