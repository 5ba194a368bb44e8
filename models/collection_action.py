from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.calendar_actions import ActionWindow
from .collection_stage import MAX_DAY, MIN_DAY

# A repeating band runs at least once a year.
MAX_REPEAT_EVERY = 365

ACTION_TYPES = [
    ("activity", "Schedule an activity"),
    ("email", "Send an email"),
    ("sms", "Send an SMS"),
    ("letter", "Ask for a letter"),
]
ASSIGNEES = [
    ("collector", "Collector"),
    ("supervisor", "Supervisor"),
    ("legal", "Legal team"),
    ("salesperson", "Salesperson"),
]
LETTER_KINDS = [
    ("reminder_1", "First reminder"),
    ("reminder_2", "Second reminder"),
    ("reminder_3", "Third reminder"),
    ("lawyer", "Lawyer letter"),
]


class CollectionAction(models.Model):
    """One line of a policy's calendar: what to do for a customer inside a window of days overdue."""

    _name = "collection.action"
    _inherit = ["collection.policy.part"]
    _recheck_fields = frozenset({"policy_id", "sequence", "active", "day_from", "day_to", "open_ended",
                                 "repeat_every", "action_type", "email_review"})
    _description = "Collection Calendar Action"
    _order = "policy_id, day_from, sequence, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    policy_id = fields.Many2one(
        "collection.policy", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    day_from = fields.Integer(
        string="From Day", required=True,
        help="First day overdue of the window; negative before the due date (at the earliest -60).",
    )
    day_to = fields.Integer(string="To Day", help="Last day overdue of the window.")
    open_ended = fields.Boolean(help="The window has no last day.")
    repeat_every = fields.Integer(
        string="Repeat Every (Days)", help="0: once in the window; otherwise once in each period of this many days."
    )
    action_type = fields.Selection(ACTION_TYPES, required=True, default="activity")
    assignee = fields.Selection(ASSIGNEES, required=True, default="collector")
    activity_type_id = fields.Many2one("mail.activity.type")
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain=[("model", "=", "collection.customer")]
    )
    email_review = fields.Boolean(
        string="Review Before Sending", help="Emails wait in the review queue until a collector approves them."
    )
    sms_template_id = fields.Many2one(
        "sms.template", string="SMS Template", domain=[("model", "=", "collection.customer")]
    )
    letter_kind = fields.Selection(LETTER_KINDS)
    letter_auto_send = fields.Boolean(
        string="Send Letters Without Review",
        help="The letter goes out by email at once (customers without an email address stay in the review queue); "
             "otherwise it waits in the review queue.",
    )

    _sql_constraints = [
        ("repeat_every_positive", "CHECK(repeat_every >= 0)", "The repeat interval cannot be negative."),
    ]

    # === Constraints === #
    @api.constrains("day_from", "day_to", "open_ended", "repeat_every", "action_type", "mail_template_id",
                    "sms_template_id", "letter_kind")
    def _check_window_and_payload(self):
        missing = {
            "email": ("mail_template_id", self.env._("an email template")),
            "sms": ("sms_template_id", self.env._("an SMS template")),
            "letter": ("letter_kind", self.env._("a letter kind")),
        }
        for action in self:
            if error := action._window_error():
                raise ValidationError(error)
            field, label = missing.get(action.action_type, (None, None))
            if field and not action[field]:
                raise ValidationError(self.env._("The calendar action %(action)s needs %(what)s.", action=action.name,
                                        what=label))

    # === Business === #
    def _window_error(self):
        """Why the window of this action is not valid, or None."""
        self.ensure_one()
        last = self.day_from if self.open_ended else self.day_to
        if self.day_from < MIN_DAY or last > MAX_DAY:
            return self.env._(
                "The window of %(action)s (days %(from)s to %(to)s) goes beyond the calendar: it starts at the "
                "earliest %(before)s days before the due date (day %(min)s) and ends at the latest on day %(max)s.",
                action=self.name, to=self.env._("open end") if self.open_ended else self.day_to,
                before=-MIN_DAY, min=MIN_DAY, max=MAX_DAY, **{"from": self.day_from},
            )
        if not self.open_ended and self.day_to < self.day_from:
            return self.env._(
                "The window of %(action)s ends (day %(to)s) before it starts (day %(from)s).",
                action=self.name, to=self.day_to, **{"from": self.day_from},
            )
        if self.repeat_every > MAX_REPEAT_EVERY:
            return self.env._(
                "%(action)s repeats every %(days)s days: repeat at least once a year (every %(max)s days at most), "
                "or set 0 to run it once in its window.",
                action=self.name, days=self.repeat_every, max=MAX_REPEAT_EVERY,
            )
        return None

    def _window(self):
        self.ensure_one()
        return ActionWindow(self.day_from, None if self.open_ended else self.day_to, self.repeat_every)
