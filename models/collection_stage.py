from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Bounds of ladders and calendars, in days overdue: a stage or an action starts at the earliest 60 days before the
# due date and at the latest ten years after it.
MIN_DAY = -60
MAX_DAY = 3650


class CollectionStage(models.Model):
    _name = "collection.stage"
    _inherit = ["collection.policy.part"]
    _recheck_fields = frozenset({"policy_id", "sequence", "days_from", "requires_failed_soft_collection",
                                 "credit_hold"})
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
        "(-5: from five days before the due date, at the earliest -60).",
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

    # === Constraints === #
    @api.constrains("days_from")
    def _check_days_from(self):
        for stage in self:
            if not MIN_DAY <= stage.days_from <= MAX_DAY:
                raise ValidationError(self.env._(
                    "The stage %(stage)s cannot start on day %(day)s: a stage starts at the earliest %(before)s days "
                    "before the due date (day %(min)s) and at the latest on day %(max)s overdue.",
                    stage=stage.name, day=stage.days_from, before=-MIN_DAY, min=MIN_DAY, max=MAX_DAY,
                ))

    @api.constrains("days_from", "requires_failed_soft_collection", "policy_id")
    def _check_ladder_order(self):
        for policy in self.policy_id:
            self._check_ladder_order_of(policy, policy.stage_ids)

    # === CRUD === #
    @api.ondelete(at_uninstall=False)
    def _unlink_except_leaving_a_waiting_stage_first(self):
        for policy in self.policy_id:
            remaining = policy.stage_ids - self
            if remaining:
                remaining._check_ladder_order_of(policy, remaining)

    # === Business === #
    @api.model
    def _check_ladder_order_of(self, policy, stages):
        first = min(stages, key=lambda stage: (stage.days_from, stage.sequence, stage.id))
        if first.requires_failed_soft_collection:
            raise ValidationError(self.env._(
                "The stage %(stage)s is the first of the policy %(policy)s, so it cannot wait for soft collection "
                "to fail: invoices wait in an earlier stage, and there is none. Add an earlier stage or clear "
                "“Only After Soft Collection Failed”.",
                stage=first.name, policy=policy.name,
            ))
