from dataclasses import dataclass

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.calendar_actions import ActionWindow
from ..tools.instalments import DEFAULT_GRACE_DAYS
from ..tools.next_check import change_thresholds
from ..tools.policies import PolicyChain, PolicyRow
from ..tools.quiet_hours import DEFAULT_QUIET_END, DEFAULT_QUIET_START
from ..tools.stages import StageRule
from ..tools.worklist import Weights

CUSTOMER_TYPES = [
    ("core", "Core"),
    ("growth", "Growth"),
    ("general", "General"),
    ("problem", "Problem"),
    ("occasional", "Occasional"),
]

# The standard policy (data/collection_policy_data.xml): archived, of no company, copied with the translations
# of its names for every company that finds no policy up its chain of parent companies.
POLICY_TEMPLATE_XMLID = "account_collection_litigation.collection_policy_template"


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
    # the days overdue on which an invoice changes bucket or stage (tools/next_check), and monthly interest
    thresholds: tuple[int, ...] = ()
    window_edges: tuple[int, ...] = ()   # the days overdue on which an action's window opens or has closed
    interest_monthly: bool = False


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
    # Required of every active policy (_check_company_id); only the archived standard policy has none.
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company,
        help="Customers of this company and of its branches can follow this policy; a branch's own policies "
        "come first.",
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
    quiet_hours_start = fields.Float(default=DEFAULT_QUIET_START, help="No automatic email or SMS from this hour...")
    quiet_hours_end = fields.Float(default=DEFAULT_QUIET_END, help="...until this hour, in the customer's time zone.")
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
        ("contact_caps_positive", "CHECK(contact_cap_attempts >= 0 AND contact_cap_connected >= 0)",
         "A contact cap cannot be negative."),
        ("repeat_excuse_threshold_positive", "CHECK(repeat_excuse_threshold >= 0)",
         "The repeated-excuse threshold cannot be negative."),
        ("plan_grace_days_positive", "CHECK(plan_grace_days >= 0)", "The instalment grace cannot be negative."),
    ]

    # === Constraints === #
    @api.constrains("company_id", "active")
    def _check_company_id(self):
        if self.filtered(lambda policy: policy.active and not policy.company_id):
            raise ValidationError(self.env._("A collection policy in use belongs to a company."))

    @api.constrains("quiet_hours_start", "quiet_hours_end")
    def _check_quiet_hours(self):
        for policy in self:
            for hour in (policy.quiet_hours_start, policy.quiet_hours_end):
                if not 0 <= hour < 24:
                    raise ValidationError(self.env._("Quiet hours must lie between 00:00 and 24:00."))

    @api.constrains("interest_invoicing", "interest_product_id", "interest_account_id")
    def _check_interest_invoicing(self):
        # the monthly invoicing of the escalation books interest on that product or account: without one, every
        # run of the first week of a month would fail on this policy's customers
        for policy in self:
            if policy.interest_invoicing == "monthly" and not (policy.interest_product_id
                                                              or policy.interest_account_id):
                raise ValidationError(self.env._(
                    "The policy %(policy)s invoices interest monthly: set the interest product or the interest "
                    "income account it is booked on, or claim interest only.", policy=policy.name,
                ))

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
                type=dict(self._fields["customer_type"]._description_selection(self.env))[customer_type],
            ))

    # === CRUD === #
    def write(self, vals):
        res = super().write(vals)
        if {"stage_ids", "action_ids", "minimum_amount", "legal_min_actions", "legal_min_days", "letter_spacing_days",
                "interest_invoicing", "interest_product_id", "interest_account_id"} & set(vals):
            self._recheck_files()
        return res

    def _recheck_files(self):
        """The customers of these policies are escalated in full by the next run (their ladder or calendar
        changed: the day each was due to be looked at again may have too)."""
        self.env["collection.customer"].sudo().search([("policy_id", "in", self.ids)])._mark_to_recheck()

    # === Business === #
    @api.model
    def _create_company_defaults(self, companies):
        """Give a copy of the standard policy to each of these companies that finds no active policy up its chain
        of parent companies, parents first so that their branches follow them. Returns the new policies.

        Called by res.company for a new company and, for all companies, by the data step of each update (a company
        whose policies were all archived gets the standard one again)."""
        companies = self.env["res.company"].sudo().browse(companies.ids)
        covered = set(self.sudo().search([("company_id", "parent_of", companies.ids)]).company_id.ids)
        template = self.sudo().env.ref(POLICY_TEMPLATE_XMLID, raise_if_not_found=False)
        created = self.browse()
        for company in companies.sorted(lambda c: (c.parent_path.count("/"), c.id)):
            if covered.intersection(company.parent_ids.ids):
                continue
            if not template:
                raise UserError(self.env._(
                    "The standard collection policy is missing: update the module Collections and Litigation to "
                    "restore it."
                ))
            # In English, so that the copy keeps the template's English names and all their translations.
            policy = template.with_context(lang="en_US", active_test=False).copy(
                {"company_id": company.id, "active": True}
            )
            if not company.collection_policy_id.active:
                company.collection_policy_id = policy
            covered.add(company.id)
            created |= policy
        return self.browse(created.ids)

    @api.model
    def _copy_template_translations(self):
        """Give the standard policy's translations to the copies made before a language was loaded.

        Only names still equal to the standard English name are completed, and only in the languages they lack:
        what a user renamed or translated stays as it is."""
        template = self.env.ref(POLICY_TEMPLATE_XMLID, raise_if_not_found=False)
        if not template:
            return
        for model, parent_column in (("collection.policy", "id"), ("collection.stage", "policy_id"),
                                     ("collection.action", "policy_id")):
            records = self.env[model]
            records.flush_model(["name"])
            table = SQL.identifier(records._table)
            # The template's keys first: the copy's own values win on every language it already has.
            self.env.cr.execute(SQL(
                """
                UPDATE %(table)s c
                   SET name = t.name || c.name
                  FROM %(table)s t
                 WHERE t.%(parent)s = %(template)s
                   AND c.%(parent)s IS DISTINCT FROM %(template)s
                   AND c.name->>'en_US' = t.name->>'en_US'
                   AND NOT c.name ?& ARRAY(SELECT jsonb_object_keys(t.name))
                """,
                table=table, parent=SQL.identifier(parent_column), template=template.id,
            ))
            if self.env.cr.rowcount:
                records.invalidate_model(["name"])

    @api.model
    def _policy_ids_for_partners(self, partner_ids, company):
        """{partner_id: policy_id} in three queries, nearest company first (the company, then its parent, up to
        the root): the partner's own policy, else the policy of its customer type, else the default policy."""
        if not partner_ids:
            return {}
        chain = company.sudo().parent_ids[::-1]   # the company first, its root last
        policies = self.search_fetch([("company_id", "in", chain.ids)], ["company_id", "customer_type"])
        policy_chain = PolicyChain.build(
            chain.ids,
            [PolicyRow(policy.id, policy.company_id.id, policy.customer_type or None) for policy in policies],
            {company.id: company.collection_policy_id.id for company in chain},
        )
        self.env["res.partner"].flush_model(["collection_customer_type", "collection_policy_id"])
        self.env.cr.execute(SQL(
            "SELECT id, collection_customer_type, collection_policy_id FROM res_partner WHERE id IN %s",
            tuple(partner_ids),
        ))
        return {
            # company_dependent: a jsonb {"company id": policy id}
            partner_id: policy_chain.policy_for(
                {int(company_id): own for company_id, own in (own_by_company or {}).items()}, customer_type,
            )
            for partner_id, customer_type, own_by_company in self.env.cr.fetchall()
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
                thresholds=change_thresholds(policy.stage_ids.mapped("days_from")),
                window_edges=tuple(sorted({a.day_from for a in policy.action_ids} | {
                    a.day_to + 1 for a in policy.action_ids if not a.open_ended})),
                interest_monthly=policy.interest_invoicing == "monthly",
            )
            for policy in self
        }

    # ====== The collector's day on the policy ====== #
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
        string="Instalment Grace Days", default=DEFAULT_GRACE_DAYS,
        help="An instalment still short this many days after its due date breaks the plan.",
    )
    # === Debtor's portal === #
    portal_link_days = fields.Integer(
        string="Portal Links Valid (Days)", default=30,
        help="A link to the customer's collection page, sent in a letter or an email, opens it this many days.",
    )
    portal_plan_max_instalments = fields.Integer(
        string="Most Instalments Asked on the Portal", default=6,
        help="A customer may ask for a payment plan of at most this many instalments (0: no limit).",
    )
    portal_plan_min_first_percent = fields.Float(
        string="Least First Payment (%)", default=20.0,
        help="A plan asked on the portal starts with a down payment of at least this share of the balance.",
    )

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


class CollectionPolicyPart(models.AbstractModel):
    """A rung of a policy's ladder or a line of its calendar: a change has the policy's customers escalated in full
    by the next run, as a change of the policy itself does."""

    _name = "collection.policy.part"
    _description = "Collection Policy Part"
    # the fields the escalation reads (PolicyRules): a change of another (a name, a colour) queues nobody
    _recheck_fields = frozenset({"policy_id", "sequence"})

    @api.model_create_multi
    def create(self, vals_list):
        parts = super().create(vals_list)
        parts.policy_id._recheck_files()
        return parts

    def write(self, vals):
        policies = self.policy_id
        res = super().write(vals)
        if self._recheck_fields & set(vals):
            (policies | self.policy_id)._recheck_files()
        return res

    def unlink(self):
        policies = self.policy_id
        res = super().unlink()
        policies._recheck_files()
        return res
