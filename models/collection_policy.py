from dataclasses import dataclass

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.calendar_actions import ActionWindow
from ..tools.stages import StageRule

CUSTOMER_TYPES = [
    ("core", "Core"),
    ("growth", "Growth"),
    ("general", "General"),
    ("problem", "Problem"),
    ("occasional", "Occasional"),
]

# The brief's default ladder (collection-process.md, "Default stage ladder"): days_from is the first day
# overdue of the stage; the pre-due stage starts five days before the due date.
DEFAULT_LADDER = [
    {"name": "Pre-due", "sequence": 5, "days_from": -5, "color": 0},
    {"name": "Friendly reminder", "sequence": 10, "days_from": 1, "color": 10},
    {"name": "Formal notice", "sequence": 20, "days_from": 31, "color": 3, "notify_salesperson": True},
    {"name": "Intensified", "sequence": 30, "days_from": 61, "color": 2, "credit_hold": True,
     "notify_salesperson": True},
    {"name": "Legal", "sequence": 40, "days_from": 91, "color": 1, "credit_hold": True,
     "notify_salesperson": True, "propose_legal_case": True, "requires_failed_soft_collection": True},
]

# The brief's calendar of actions by days overdue ("Letter schedule", "Follow-up frequency",
# "Channels by week"), kept apart from the stage thresholds.
DEFAULT_CALENDAR = [
    {"name": "Pre-due reminder email", "sequence": 1, "day_from": -3, "day_to": -1,
     "action_type": "email", "mail_template": "account_collection_litigation.mail_template_pre_due"},
    {"name": "Phone call (week 1)", "sequence": 10, "day_from": 1, "day_to": 7,
     "action_type": "activity", "activity_type": "mail.mail_activity_data_call"},
    {"name": "First reminder letter", "sequence": 11, "day_from": 3, "day_to": 7,
     "action_type": "letter", "letter_kind": "reminder_1"},
    {"name": "Reminder email (week 2)", "sequence": 20, "day_from": 8, "day_to": 14,
     "action_type": "email", "mail_template": "account_collection_litigation.mail_template_reminder"},
    {"name": "Follow-up every 3 days", "sequence": 21, "day_from": 8, "day_to": 30, "repeat_every": 3,
     "action_type": "activity", "activity_type": "mail.mail_activity_data_call"},
    {"name": "Second reminder letter", "sequence": 30, "day_from": 15, "day_to": 20,
     "action_type": "letter", "letter_kind": "reminder_2"},
    {"name": "Visit (week 3)", "sequence": 31, "day_from": 15, "day_to": 21,
     "action_type": "activity", "activity_type": "mail.mail_activity_data_meeting"},
    {"name": "Third reminder letter", "sequence": 40, "day_from": 30, "day_to": 45,
     "action_type": "letter", "letter_kind": "reminder_3"},
    {"name": "Follow-up every 2 days", "sequence": 41, "day_from": 31, "day_to": 60, "repeat_every": 2,
     "action_type": "activity", "activity_type": "mail.mail_activity_data_call"},
    {"name": "Lawyer letter (legal team approves)", "sequence": 50, "day_from": 60, "open_ended": True,
     "action_type": "letter", "letter_kind": "lawyer", "assignee": "legal"},
    {"name": "Daily follow-up", "sequence": 51, "day_from": 61, "open_ended": True, "repeat_every": 1,
     "action_type": "activity", "activity_type": "mail.mail_activity_data_call"},
]


@dataclass(frozen=True)
class PolicyRules:
    """A policy as plain data for the escalation, which works on thousands of customers at once."""

    id: int
    ladder: tuple[StageRule, ...]
    stage_rank: dict   # stage id -> (days_from, sequence): which of two stages is the more advanced
    credit_hold_stage_ids: frozenset
    windows: tuple[tuple[int, ActionWindow, bool], ...]   # (action id, window, email waits for review)
    legal_min_actions: int
    minimum_amount: float
    collector_id: int | None
    # going live without a flood: the letters in their order, their spacing, the time soft collection takes,
    # and how many customers never chased before each collector starts a day
    letter_ids: tuple[int, ...] = ()
    letter_spacing_days: int = 0
    legal_min_days: int = 0
    daily_new_customers: int = 0


class CollectionPolicy(models.Model):
    _name = "collection.policy"
    _description = "Collection Policy"
    _order = "sequence, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    customer_type = fields.Selection(
        CUSTOMER_TYPES,
        string="Default for Customer Type",
        help="Customers of this type follow this policy unless they name one of their own.",
    )
    stage_ids = fields.One2many("collection.stage", "policy_id", string="Stages", copy=True)
    action_ids = fields.One2many("collection.action", "policy_id", string="Calendar", copy=True)
    minimum_amount = fields.Monetary(
        string="Minimum Overdue Amount",
        currency_field="currency_id",
        help="Customers whose net overdue amount is below this are not chased.",
    )
    legal_min_actions = fields.Integer(
        string="Chasing Actions Before Legal",
        default=3,
        help="Soft collection has failed once this many chasing actions were carried out without a "
        "payment (or a promise or payment plan was broken).",
    )
    legal_min_days = fields.Integer(
        string="Days of Chasing Before Legal",
        default=30,
        help="Soft collection fails on chasing actions only when they were carried out over at least this many "
        "days (counted from the first one since the last payment).",
    )
    letter_spacing_days = fields.Integer(
        string="Days Between Letters",
        default=7,
        help="Letters go out in the order of the calendar, each one at least this many days after the previous "
        "one: a customer never chased before gets the first reminder, however old its debt.",
    )
    daily_new_customers = fields.Integer(
        string="New Customers a Day per Collector",
        default=20,
        help="At most this many customers never chased before get their first actions each day, per collector "
        "(largest claims first within a run's batch): going live on an old ledger is spread over days. "
        "0: no limit.",
    )
    promise_grace_days = fields.Integer(default=3)
    quiet_hours_start = fields.Float(default=22.0, help="No automatic email or SMS from this hour...")
    quiet_hours_end = fields.Float(default=8.0, help="...until this hour, in the customer's time zone.")
    collector_id = fields.Many2one(
        "res.users", string="Default Collector", domain=[("share", "=", False)]
    )
    supervisor_id = fields.Many2one("res.users", domain=[("share", "=", False)])
    legal_user_id = fields.Many2one("res.users", string="Legal Team Contact", domain=[("share", "=", False)])
    interest_rule_id = fields.Many2one(
        "collection.interest.rule", check_company=True,
        help="Overdue interest and compensation claimed from customers of this policy, unless a customer or an "
        "invoice names another rule. Claimed, not booked, unless interest is invoiced.",
    )
    interest_waiver_limit = fields.Monetary(
        string="Waiver Limit", currency_field="currency_id", default=1000.0,
        help="Interest waivers above this amount wait for a collection manager.",
    )
    interest_product_id = fields.Many2one("product.product")
    interest_account_id = fields.Many2one("account.account", string="Interest Income Account", check_company=True)
    interest_invoicing = fields.Selection(
        [("never", "Claim only"), ("monthly", "Invoice monthly")],
        required=True, default="never",
        help="Monthly: on the first run of a month, the escalation invoices the interest accrued up to the end of "
        "the previous month on every invoice it chases.",
    )

    _sql_constraints = [
        ("minimum_amount_positive", "CHECK(minimum_amount >= 0)", "The minimum overdue amount cannot be negative."),
        ("legal_min_actions_positive", "CHECK(legal_min_actions >= 0)",
         "The number of chasing actions before legal cannot be negative."),
        ("promise_grace_days_positive", "CHECK(promise_grace_days >= 0)",
         "The promise grace period cannot be negative."),
        ("legal_min_days_positive", "CHECK(legal_min_days >= 0)",
         "The days of chasing before legal cannot be negative."),
        ("letter_spacing_days_positive", "CHECK(letter_spacing_days >= 0)",
         "The days between letters cannot be negative."),
        ("daily_new_customers_positive", "CHECK(daily_new_customers >= 0)",
         "The number of new customers a day cannot be negative."),
        ("interest_waiver_limit_positive", "CHECK(interest_waiver_limit >= 0)",
         "The interest waiver limit cannot be negative."),
    ]

    # === Constraints === #
    @api.constrains("quiet_hours_start", "quiet_hours_end")
    def _check_quiet_hours(self):
        for policy in self:
            for hour in (policy.quiet_hours_start, policy.quiet_hours_end):
                if not 0 <= hour < 24:
                    raise ValidationError(self.env._("Quiet hours must lie between 00:00 and 24:00."))

    @api.constrains("customer_type", "company_id", "active")
    def _check_one_policy_per_type(self):
        typed = self.filtered("customer_type")
        if not typed:
            return
        groups = self._read_group(
            [("customer_type", "in", typed.mapped("customer_type")), ("company_id", "in", typed.company_id.ids)],
            ["company_id", "customer_type"],
            having=[("__count", ">", 1)],
        )
        if groups:
            company, customer_type = groups[0]
            raise ValidationError(self.env._(
                "Only one policy of %(company)s may be the default for the customer type %(type)s.",
                company=company.display_name,
                type=dict(CUSTOMER_TYPES)[customer_type],
            ))

    # === CRUD === #
    def write(self, vals):
        res = super().write(vals)
        if {"stage_ids", "minimum_amount", "legal_min_actions", "legal_min_days"} & set(vals):
            self.env["collection.customer"].search([("policy_id", "in", self.ids)])._mark_to_recheck()
        return res

    # === Business === #
    @api.model
    def _create_default_policies(self, companies=None):
        """Give every company without a policy the brief's standard ladder and calendar."""
        # A system default, created whoever first needs it (install, first run of a new company).
        policy_model = self.sudo().with_context(active_test=False)
        companies = companies or self.env["res.company"].sudo().search([], limit=None)
        have_policy = policy_model.search([("company_id", "in", companies.ids)]).company_id
        policies = self.browse()
        for company in companies - have_policy:
            policy = policy_model.create(self._prepare_default_policy_vals(company))
            company.collection_policy_id = policy
            policies |= policy
        return policies

    @api.model
    def _prepare_default_policy_vals(self, company):
        actions = []
        for spec in DEFAULT_CALENDAR:
            vals = {k: v for k, v in spec.items() if k not in ("mail_template", "activity_type")}
            if spec.get("mail_template"):
                vals["mail_template_id"] = self.env.ref(spec["mail_template"]).id
            if spec.get("activity_type"):
                vals["activity_type_id"] = self.env.ref(spec["activity_type"]).id
            actions.append(fields.Command.create(vals))
        return {
            "name": self.env._("Standard"),
            "company_id": company.id,
            "stage_ids": [fields.Command.create(dict(stage)) for stage in DEFAULT_LADDER],
            "action_ids": actions,
        }

    @api.model
    def _policy_ids_for_partners(self, partner_ids, company):
        """{partner_id: policy_id} in one query: the partner's own policy in this company, else the policy of
        its customer type, else the company default."""
        policies = self.search([("company_id", "=", company.id)])
        by_type = {p.customer_type: p.id for p in policies if p.customer_type}
        default = (company.collection_policy_id or policies[:1]).id
        self.env["res.partner"].flush_model(["collection_customer_type", "collection_policy_id"])
        self.env.cr.execute(SQL(
            "SELECT id, collection_customer_type, (collection_policy_id->>%s)::int FROM res_partner WHERE id IN %s",
            str(company.id), tuple(partner_ids),
        ))
        return {
            partner_id: own if own in policies.ids else by_type.get(customer_type, default)
            for partner_id, customer_type, own in self.env.cr.fetchall()
        }

    def _engine_rules(self):
        """{policy_id: PolicyRules}: what the escalation needs of each policy, read once per batch."""
        return {
            policy.id: PolicyRules(
                id=policy.id,
                ladder=tuple(StageRule(s.id, s.sequence, s.days_from, s.requires_failed_soft_collection)
                             for s in policy.stage_ids),
                stage_rank={s.id: (s.days_from, s.sequence) for s in policy.stage_ids},
                credit_hold_stage_ids=frozenset(policy.stage_ids.filtered("credit_hold").ids),
                windows=tuple((a.id, a._window(), a.action_type == "email" and a.email_review)
                              for a in policy.action_ids),
                legal_min_actions=policy.legal_min_actions,
                minimum_amount=policy.minimum_amount,
                collector_id=policy.collector_id.id or None,
                letter_ids=tuple(policy.action_ids.filtered(lambda a: a.action_type == "letter").sorted(
                    lambda a: (a.day_from, a.sequence, a.id)).ids),
                letter_spacing_days=policy.letter_spacing_days,
                legal_min_days=policy.legal_min_days,
                daily_new_customers=policy.daily_new_customers,
            )
            for policy in self
        }
