from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.worklist import Weights


class CollectionPolicy(models.Model):
    """The collector's day on the policy: contact caps, call windows, the repeated-excuse threshold, the payment
    plans' grace and the worklist's priority weights (kept apart from the ladder and calendar of
    collection_policy.py)."""

    _inherit = "collection.policy"

    # === Compliance (legal-rules.md §8) === #
    contact_cap_attempts = fields.Integer(
        string="Contacts per Day", default=6,
        help="Most outbound contacts with one customer in one day, every channel together (0: no cap). Above it "
        "a contact is logged only with a reason, kept in the history.",
    )
    contact_cap_connected = fields.Integer(
        string="Connected Contacts per Day", default=3,
        help="Of those, most that reached someone of the customer's (0: no cap).",
    )
    # === Disputes === #
    repeat_excuse_threshold = fields.Integer(
        string="Repeated Excuse After", default=3,
        help="The same objection this many times makes it a repeated excuse: the supervisor is asked for a "
        "dedicated strategy (0: never).",
    )
    # === Worklist === #
    call_window_1_start = fields.Float(string="Morning Window From", default=9.5)
    call_window_1_end = fields.Float(string="Morning Window To", default=11.5)
    call_window_2_start = fields.Float(string="Afternoon Window From", default=14.0)
    call_window_2_end = fields.Float(string="Afternoon Window To", default=16.5)
    priority_weight_amount = fields.Float(string="Weight of the Amount Claimed", default=30.0)
    priority_weight_days = fields.Float(string="Weight of the Days Overdue", default=25.0)
    priority_weight_stage = fields.Float(string="Weight of the Stage", default=15.0)
    priority_weight_risk = fields.Float(string="Weight of the Customer's Risk", default=15.0)
    priority_weight_broken = fields.Float(string="Weight of Broken Promises and Plans", default=15.0)
    # === Payment plans === #
    plan_grace_days = fields.Integer(
        string="Instalment Grace Days", default=5,
        help="An instalment still short this many days after its due date breaks the plan.",
    )

    _sql_constraints = [
        ("contact_caps_positive", "CHECK(contact_cap_attempts >= 0 AND contact_cap_connected >= 0)",
         "A contact cap cannot be negative."),
        ("repeat_excuse_threshold_positive", "CHECK(repeat_excuse_threshold >= 0)",
         "The repeated-excuse threshold cannot be negative."),
        ("plan_grace_days_positive", "CHECK(plan_grace_days >= 0)", "The instalment grace cannot be negative."),
    ]

    # === Constraints === #
    @api.constrains("call_window_1_start", "call_window_1_end", "call_window_2_start", "call_window_2_end")
    def _check_call_windows(self):
        for policy in self:
            for start, end in policy._call_windows():
                if not (0 <= start < 24 and 0 <= end <= 24) or end < start:
                    raise ValidationError(self.env._("A call window lies within the day and ends after it starts."))

    @api.constrains("priority_weight_amount", "priority_weight_days", "priority_weight_stage",
                    "priority_weight_risk", "priority_weight_broken")
    def _check_priority_weights(self):
        for policy in self:
            weights = policy._priority_weights()
            if min(vars(weights).values()) < 0:
                raise ValidationError(self.env._("A priority weight cannot be negative."))

    # === Business === #
    def _call_windows(self):
        self.ensure_one()
        return ((self.call_window_1_start, self.call_window_1_end), (self.call_window_2_start, self.call_window_2_end))

    def _priority_weights(self):
        self.ensure_one()
        return Weights(amount=self.priority_weight_amount, days=self.priority_weight_days,
                       stage=self.priority_weight_stage, risk=self.priority_weight_risk,
                       broken=self.priority_weight_broken)
