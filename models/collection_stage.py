from odoo import fields, models


class CollectionStage(models.Model):
    _name = "collection.stage"
    _description = "Collection Stage"
    _order = "policy_id, days_from, sequence, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one(
        "collection.policy", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    days_from = fields.Integer(
        string="From Day Overdue",
        required=True,
        help="First day overdue of this stage; negative for a stage before the due date "
        "(-5: from five days before the due date).",
    )
    color = fields.Integer()
    fold = fields.Boolean(string="Folded in Kanban")
    credit_hold = fields.Boolean(help="Customers in this stage are on credit hold: no new sales on credit.")
    notify_salesperson = fields.Boolean(
        string="Tell the Salesperson", help="The customer's salesperson gets an activity when it enters this stage."
    )
    propose_legal_case = fields.Boolean(help="Entering this stage asks the legal team to consider a legal case.")
    requires_failed_soft_collection = fields.Boolean(
        string="Only After Soft Collection Failed",
        help="Entered only after a broken promise or payment plan, or after the policy's number of chasing "
        "actions without a payment; until then the invoice stays in the previous stage.",
    )

    _sql_constraints = [
        ("days_from_unique", "UNIQUE(policy_id, days_from)", "Two stages of a policy cannot start on the same day."),
    ]
