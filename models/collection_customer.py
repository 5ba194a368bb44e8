from collections import defaultdict

import pytz
from babel.dates import format_datetime as babel_format_datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL, create_index
from odoo.tools.misc import babel_locale_parse

from ..tools import debtor
from ..tools.call_windows import local_now, window_status, windows_label
from ..tools.quiet_hours import DEFAULT_QUIET_END, DEFAULT_QUIET_START, customer_timezone, quiet_until
from ..tools.worklist import best_script, customer_risk, pick_collector, priority
from .collection_debtor_assessment import DEBTOR_ABILITIES, DEBTOR_CLASSES, DEBTOR_STRATEGIES, DEBTOR_WILLINGNESS
from .collection_escalation import ESCALATION_BATCH_SIZE

IMPORTANCE = [("important", "Important"), ("ordinary", "Ordinary")]
RISK_LEVELS = [("low", "Low risk"), ("high", "High risk")]
MATRIX_STRATEGIES = [
    ("relationship", "Keep the relationship while holding the line"),
    ("management", "Management steps in with a dedicated plan"),
    ("standard", "Standard process"),
    ("strict", "Fast, strict escalation"),
]
SUPERVISOR_GROUP = "account_collection_litigation.group_collection_supervisor"
# Advisory lock of the worklist call that makes the day's assignments (any constant unique to this addon).
WORKLIST_LOCK_KEY = 7_310_019
# What only the daily escalation writes: when it last looked at a file and when it looks again. Written by anyone
# else (an RPC call, an import), a date could keep a customer out of the run.
RUN_FIELDS = frozenset({"checked_on", "next_check_on", "escalation_failed_on", "escalation_error"})
CONTACT_WIZARD_ACTION = "account_collection_litigation.collection_contact_wizard_action"
LEGAL_USER = "account_collection_litigation.group_litigation_user"

NOT_CHASED_REASONS = [
    ("paused", "Paused"),
    ("below_minimum", "Below the minimum amount"),
    ("covered_by_credit", "Covered by credit notes or payments"),
    ("nothing_due", "Nothing overdue"),
]



class CollectionCustomer(models.Model):
    """A customer's collection file in one company: its stage, figures and calendar.

    The daily escalation (collection.escalation) keeps these rows right in bulk; res.partner shows the file of
    the current company."""

    _name = "collection.customer"
    _description = "Customer Collection File"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "days_overdue desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    # === Fields === #
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one("collection.policy", readonly=True, check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Collector", tracking=True, index=True, domain=[("share", "=", False)]
    )
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    customer_type = fields.Selection(related="partner_id.collection_customer_type")
    blacklisted = fields.Boolean(related="partner_id.collection_blacklisted")
    stage_id = fields.Many2one(
        "collection.stage", check_company=True, readonly=True, index=True, tracking=True,
        group_expand="_read_group_stage_ids",
    )
    stage_color = fields.Integer(related="stage_id.color")
    stage_date = fields.Date(string="In Stage Since", readonly=True)
    credit_hold = fields.Boolean(readonly=True, tracking=True)
    days_overdue = fields.Integer(string="Oldest Days Overdue", readonly=True, aggregator="max")
    anchor_date = fields.Date(string="Oldest Due Date", readonly=True,
                              help="Due date of the oldest invoice being chased; the calendar counts from it.")
    overdue_amount = fields.Monetary(string="Total Overdue", readonly=True)
    due_amount = fields.Monetary(string="Total Due", readonly=True)
    credit_amount = fields.Monetary(string="Unapplied Credits", readonly=True,
                                    help="Open credit notes and unreconciled payments, netted against the claim.")
    claim_amount = fields.Monetary(string="Amount Claimed", readonly=True,
                                   help="Overdue amount being chased, less unapplied credits.")
    overdue_count = fields.Integer(string="Overdue Invoices", readonly=True)
    open_count = fields.Integer(string="Open Invoices", readonly=True)
    not_chased_reason = fields.Selection(NOT_CHASED_REASONS, string="Not Chased Because", readonly=True)
    stage_note = fields.Char(readonly=True, help="Why the customer is not in a more advanced stage.")
    next_action_id = fields.Many2one("collection.action", check_company=True, readonly=True)
    next_action_date = fields.Date(readonly=True)
    action_due = fields.Boolean(compute="_compute_action_due", search="_search_action_due",
                                help="The next action falls due today or fell due before, on the company's clock.")
    chased_since = fields.Date(
        readonly=True, copy=False,
        help="First day of the current episode's calendar actions; empty for a customer not chased since it last "
        "had nothing overdue (its chasing starts at the beginning of the letter sequence).",
    )
    peak_days = fields.Integer(
        string="Most Days Overdue This Episode", readonly=True, copy=False,
        help="The calendar does not go back below this: windows it has passed are not done again.",
    )
    peak_stage_id = fields.Many2one(
        "collection.stage", check_company=True, string="Furthest Stage This Episode", readonly=True, copy=False,
        help="Salespeople and the legal team are told when the customer enters a stage beyond this one.",
    )
    checked_on = fields.Date(readonly=True, copy=False, help="Day of the last escalation of this file.")
    next_check_on = fields.Date(
        string="Next Check", readonly=True, copy=False,
        help="The next day anything of this file can change by the calendar (an invoice reaching another bucket "
        "or stage, an action or letter falling due, a pause ending): the escalation looks at it in full again "
        "then, or sooner after a payment, a new invoice or another change. Meanwhile it only counts its days.",
    )
    escalation_error = fields.Text(
        readonly=True, copy=False,
        help="Why the scheduled escalation could not escalate this file; cleared when it next succeeds.",
    )
    escalation_failed_on = fields.Date(
        readonly=True, copy=False,
        help="Day the escalation last failed on this file: the run leaves it until the next day, or until a change "
        "or Run Escalation Now queues it again.",
    )
    move_ids = fields.One2many("account.move", "collection_customer_id", string="Invoices")
    pause_ids = fields.One2many("collection.pause", "customer_id", string="Pauses")
    active_pause_ids = fields.One2many("collection.pause", "customer_id", domain=[("state", "=", "active")])
    history_ids = fields.One2many("collection.history", "customer_id")
    portal_token_ids = fields.One2many("collection.portal.token", "customer_id", string="Portal Links")
    balance_confirmation_ids = fields.One2many("collection.balance.confirmation", "customer_id",
                                               string="Balance Confirmations")

    _sql_constraints = [
        ("partner_company_unique", "UNIQUE(partner_id, company_id)", "A customer has one collection file per company."),
    ]

    def init(self):
        res = super().init()
        # Each call of the worklists looks for new files (not completed, not assigned yet): few among all files.
        create_index(self.env.cr, "collection_customer_incomplete_idx", self._table, ["id"], where="importance IS NULL")
        # the predicate as the ORM writes the domain [("work_assigned", "=", False), ("overdue_count", ">", 0)]
        create_index(self.env.cr, "collection_customer_unassigned_idx", self._table, ["id"],
                     where="(work_assigned IS NULL OR work_assigned = false) AND overdue_count > 0")
        return res

    # === Compute === #
    @api.depends("partner_id.display_name")
    def _compute_display_name(self):
        for customer in self:
            customer.display_name = customer.partner_id.display_name

    @api.depends("next_action_date", "company_id")
    def _compute_action_due(self):
        escalation = self.env["collection.escalation"]
        for file in self:
            due = file.next_action_date
            file.action_due = bool(due) and due <= escalation._today(file.company_id)

    def _search_action_due(self, operator, value):
        return self.env["collection.escalation"]._company_day_search("next_action_date", "<=", operator, value)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # a branch works with its parent's ladder: the policies of every company up the chain
        policies = self.env["collection.policy"].search([("company_id", "parent_of", self.env.companies.ids)])
        return stages.search([("policy_id", "in", policies.ids)])

    # === CRUD === #
    @api.ondelete(at_uninstall=False)
    def _unlink_except_collection_history(self):
        self.env["collection.retention"]._check_no_history(self, "customer_id")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_run_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_run_fields([vals])
        if vals.get("user_id") and "work_assigned" not in vals:
            # a collector given by a person is kept: the run picks one only for customers nobody gave one
            vals = {**vals, "work_assigned": True}
        return super().write(vals)

    @api.model
    def _check_run_fields(self, vals_list):
        if not self.env.su and any(RUN_FIELDS & set(vals) for vals in vals_list):
            raise AccessError(self.env._(
                "Only the daily escalation sets when a customer file is checked: use Escalate Now or Run "
                "Escalation Now to have it looked at again."))

    # === Actions === #
    def action_escalate_now(self):
        """Escalate the chosen customers at once, inside the user's request (the only action that does)."""
        self.check_access("write")
        self._escalate(trigger="manual")
        return True

    def action_run_escalation(self):
        """Start the scheduled action now, in the background, and say so: the run goes batch after batch in the
        cron worker, not inside the user's request. Customers chosen in the list are looked at again even if
        the run already checked them today."""
        self.check_access("write")
        self._mark_to_recheck()
        cron = self.env.ref("account_collection_litigation.ir_cron_collection_escalate")
        # asked for by a person, presumably after mending a cause: the files that failed today are tried again
        self.sudo().search([("escalation_failed_on", "!=", False)])._mark_to_recheck()
        cron.sudo()._trigger()
        todo = self.env["collection.escalation"].sudo()._count_files_to_check()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Daily escalation started"),
                "message": self.env._(
                    "The scheduled action %(cron)s runs in the background: %(count)s customers to look at. "
                    "Their files are up to date within a few minutes.", cron=cron.sudo().name, count=todo,
                ) if todo else self.env._(
                    "The scheduled action %(cron)s was started; every customer was already escalated today.",
                    cron=cron.sudo().name,
                ),
            },
        }

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.account_move_action_collection"
        )
        action["domain"] = [("collection_customer_id", "=", self.id)]
        action["context"] = {"search_default_filter_collection_open": 1}
        return action

    def action_pause(self):
        return self.env["collection.pause"]._action_open_wizard(partners=self.partner_id)

    def action_portal_link(self):
        """Issue a link to the customer's collection page and note it in the chatter, to share by hand."""
        self.check_access("write")
        for file in self:
            url = file.collection_portal_link(self.env._("Shared by %(user)s", user=self.env.user.name))
            file.message_post(body=self.env._("Link to the customer's collection page: %(url)s", url=url))
        return True

    # === Cron === #
    @api.model
    def _cron_escalate(self, batch_size=ESCALATION_BATCH_SIZE):
        """The daily escalation: one batch per call (see collection.escalation)."""
        return self.env["collection.escalation"]._run_batch(batch_size=batch_size)

    # === Business === #
    def _escalate(self, trigger="cron", today=None):
        self.env["collection.escalation"]._escalate(self, trigger=trigger, today=today)

    def collection_portal_link(self, purpose=None):
        """A fresh link to the customer's collection page (a new token each time, valid for the policy's days).
        Public so that mail templates can put it in every reminder."""
        self.ensure_one()
        self.check_access("read")
        return self._collection_portal_links([(self, purpose)])[0]

    @api.model
    def _collection_portal_links(self, requests):
        """Fresh links for [(customer file, purpose)], their tokens issued in one batch (letters rendered
        together)."""
        raws = self.env["collection.portal.token"]._issue_many(requests)
        return [f"{file.get_base_url()}/my/collection?token={raw}"
                for (file, _purpose), raw in zip(requests, raws, strict=True)]

    def _mark_to_recheck(self):
        """Have the next escalation run look at these files again (after a payment or a setting change)."""
        if self:
            self.flush_recordset()
            self.env.cr.execute(SQL(
                "UPDATE collection_customer SET checked_on = NULL, escalation_failed_on = NULL WHERE id IN %s",
                tuple(self.ids),
            ))
            self.invalidate_recordset(["checked_on", "escalation_failed_on"])
            self.env.ref("account_collection_litigation.ir_cron_collection_escalate")._trigger()

    @api.model
    def _ensure_files(self, pairs):
        """Files for (commercial partner id, company id) pairs, created when missing."""
        pairs = {pair for pair in pairs if pair[0]}
        if not pairs:
            return self.browse()
        partner_ids = {p for p, _c in pairs}
        existing = self.search([("partner_id", "in", list(partner_ids))])
        found = {(f.partner_id.id, f.company_id.id) for f in existing}
        new = self.sudo().create([
            {"partner_id": p, "company_id": c} for p, c in pairs - found
        ]) if pairs - found else self.browse()
        return (existing.filtered(lambda f: (f.partner_id.id, f.company_id.id) in pairs) | new).sudo(False)

    def _quiet_until(self):
        """When the customer's quiet hours end (naive UTC), or None when it may be contacted now."""
        self.ensure_one()
        policy = self.policy_id
        tz = self._timezone()
        return quiet_until(
            fields.Datetime.now(), tz,
            policy.quiet_hours_start if policy else DEFAULT_QUIET_START,
            policy.quiet_hours_end if policy else DEFAULT_QUIET_END,
        )

    def _responsible_user(self, assignee):
        self.ensure_one()
        policy = self.policy_id
        users = {
            "collector": self.user_id or policy.collector_id,
            "supervisor": policy.supervisor_id or self.user_id,
            "legal": policy.legal_user_id or policy.supervisor_id,
            "salesperson": self.partner_id.user_id or self.user_id,
        }
        return users.get(assignee) or self.user_id or policy.supervisor_id or self.env.user


    @api.model
    def _status_domains(self):
        """What a sales rep reads at a glance, as domains in order of precedence: a customer has the first
        status whose domain it matches (the badge), and a search finds exactly those (the filters)."""
        litigation = ["|", ("stage_id.propose_legal_case", "=", True), ("active_pause_ids.reason", "=", "litigation")]
        # A bad-faith debtor is prepayment only, overdue or not: it reads Blacklisted unless it is in litigation.
        blacklisted = [("blacklisted", "=", True)]
        # A written-off customer cost the company money: sales read it whatever its invoices owe now.
        written_off = [("written_off", "=", True)]
        hold = [("credit_hold", "=", True)]
        paused = [("not_chased_reason", "=", "paused")]
        overdue = [("overdue_count", ">", 0), ("not_chased_reason", "not in", ["covered_by_credit", "below_minimum"])]
        # "!" negates the next term only: a domain of several leaves must be normalised ("&" made explicit) first.
        def negate(domain):
            return expression.distribute_not(["!", *expression.normalize_domain(domain)])

        earlier, domains = [], {}
        for status, domain in (("litigation", litigation), ("written_off", written_off), ("blacklisted", blacklisted),
                               ("hold", hold), ("paused", paused), ("overdue", overdue)):
            domains[status] = expression.AND([domain, *(negate(d) for d in earlier)])
            earlier.append(domain)
        domains["good"] = expression.AND([negate(d) for d in earlier])
        return domains

    def _status(self):
        self.ensure_one()
        return next(status for status, domain in self._status_domains().items() if self.filtered_domain(domain))

    # ====== The collector's day on a customer file ====== #
    # === Worklist === #
    work_priority = fields.Integer(
        string="Priority", readonly=True, index=True, aggregator="max",
        help="0-100, from the amount claimed, the days overdue, the stage, the customer's risk and broken promises "
        "or plans, weighted on the policy. Computed every morning.",
    )
    work_checked_on = fields.Date(readonly=True, copy=False, help="Day the priority was last computed.")
    work_assigned = fields.Boolean(readonly=True, copy=False,
                                   help="A collector was given to the customer when it entered collection.")
    assigned_on = fields.Date(readonly=True, copy=False, index="btree_not_null",
                              help="Day the customer was given a collector as it entered collection.")
    # === Who to call === #
    ap_contact_id = fields.Many2one(
        "res.partner", string="Accounts Payable Contact", compute="_compute_ap_contact_id",
        help="Who to call: the customer's invoice address (a contact of type Invoice on the customer), else a "
        "contact with a phone number, else the customer itself.",
    )
    ap_phone = fields.Char(string="Phone", compute="_compute_ap_contact_id")
    ap_mobile = fields.Char(string="Mobile", compute="_compute_ap_contact_id")
    ap_email = fields.Char(string="Email", compute="_compute_ap_contact_id")
    customer_tz = fields.Selection(related="partner_id.tz", string="Customer's Time Zone", readonly=True)
    customer_local_time = fields.Char(string="Local Time", compute="_compute_call_windows")
    call_windows = fields.Char(string="Best Call Windows", compute="_compute_call_windows")
    in_call_window = fields.Boolean(compute="_compute_call_windows")
    call_script_id = fields.Many2one("collection.call.script", string="Script", compute="_compute_call_script_id")
    call_script_body = fields.Html(string="Call Script", compute="_compute_call_script_id", sanitize=False)
    last_objection_id = fields.Many2one("collection.dispute.reason", compute="_compute_call_script_id")
    # === Work records === #
    contact_ids = fields.One2many("collection.contact", "customer_id", string="Contacts")
    promise_ids = fields.One2many("collection.promise", "customer_id", string="Promises")
    dispute_ids = fields.One2many("collection.dispute", "customer_id", string="Disputes")
    plan_ids = fields.One2many("collection.payment.plan", "customer_id", string="Payment Plans")
    arrangement_ids = fields.One2many("collection.arrangement", "customer_id", string="Arrangements")
    promise_kept_count = fields.Integer(compute="_compute_promise_record", string="Promises Kept")
    promise_partial_count = fields.Integer(compute="_compute_promise_record", string="Promises Partly Kept")
    promise_broken_count = fields.Integer(compute="_compute_promise_record", string="Promises Broken")
    promise_record = fields.Char(compute="_compute_promise_record")
    repeated_excuse_ids = fields.Many2many("collection.dispute.reason", "collection_customer_repeated_excuse_rel",
                                           "customer_id", "reason_id", string="Repeated Excuses", readonly=True)
    # === Knowing the debtor === #
    assessment_ids = fields.One2many("collection.debtor.assessment", "customer_id", string="Assessments")
    ability = fields.Selection(DEBTOR_ABILITIES, string="Ability to Pay", readonly=True, tracking=True)
    willingness = fields.Selection(DEBTOR_WILLINGNESS, string="Willingness to Pay", readonly=True, tracking=True)
    assessment_date = fields.Date(string="Assessed On", readonly=True)
    debtor_class = fields.Selection(DEBTOR_CLASSES, string="Overdue Kind", readonly=True, tracking=True)
    debtor_strategy = fields.Selection(DEBTOR_STRATEGIES, string="Suggested Strategy", readonly=True)
    importance = fields.Selection(IMPORTANCE, compute="_compute_importance", store=True, readonly=False,
                                  tracking=True, help="Core customers are important by default.")
    risk_level = fields.Selection(RISK_LEVELS, string="Risk", compute="_compute_risk_level", store=True,
                                  help="High for hard overdue (bad faith, evasion, insolvency) or a blacklisted "
                                  "customer.")
    matrix_strategy = fields.Selection(MATRIX_STRATEGIES, string="Importance × Risk",
                                       compute="_compute_matrix_strategy")
    management_owner_id = fields.Many2one(
        "res.users", tracking=True, domain=[("share", "=", False)],
        help="Key and high-risk customers get a member of management who owns their dedicated plan.",
    )
    needs_management_owner = fields.Boolean(compute="_compute_needs_management_owner", store=True)

    # === Compute === #
    @api.depends("partner_id.phone", "partner_id.email", "partner_id.child_ids.type", "partner_id.child_ids.phone",
                 "partner_id.child_ids.mobile", "partner_id.child_ids.email")
    def _compute_ap_contact_id(self):
        for file in self:
            children = file.partner_id.child_ids
            # a named person before an address: an invoice address often has no name to ask for on the phone
            contact = (children.filtered(lambda c: c.type == "invoice" and c.name)[:1]
                       or children.filtered(lambda c: c.type == "contact" and c.name
                                            and (c.phone or c.mobile or c.email))[:1]
                       or children.filtered(lambda c: c.type == "invoice")[:1]
                       or file.partner_id)
            file.ap_contact_id = contact
            file.ap_phone = contact.phone or file.partner_id.phone
            file.ap_mobile = contact.mobile
            file.ap_email = contact.email or file.partner_id.email

    @api.depends_context("uid", "lang")
    def _compute_call_windows(self):
        now = fields.Datetime.now()
        locale = babel_locale_parse(self.env.lang or "en_US")
        policies = self._work_policies()
        for file in self:
            tz = file._timezone()
            windows = policies[file.id]._call_windows()
            local = local_now(now, tz)
            inside, _next = window_status(now, tz, windows)
            # The weekday in the reader's language (Mon, 周一).
            file.customer_local_time = babel_format_datetime(local, "EEE HH:mm", locale=locale)
            file.call_windows = f"{windows_label(windows)} ({tz})"
            file.in_call_window = inside

    def _compute_call_script_id(self):
        scripts = self.env["collection.call.script"].search([("active", "=", True)])
        rows = [(s.id, s.customer_type or None, s.objection_id.id or None) for s in scripts]
        last = {}
        if self.ids:
            contacts = self.env["collection.contact"].search(
                [("customer_id", "in", self.ids), ("objection_id", "!=", False)], order="date desc, id desc")
            for contact in contacts:
                last.setdefault(contact.customer_id.id, contact.objection_id)
        for file in self:
            objection = last.get(file.id) or file.dispute_ids.filtered(lambda d: d.state == "open")[:1].reason_id
            file.last_objection_id = objection
            file.call_script_id = best_script(rows, file.customer_type or None, objection.id or None)
            file.call_script_body = file.call_script_id.body

    def _compute_promise_record(self):
        counts = defaultdict(int)
        if self.ids:
            for customer, state, count in self.env["collection.promise"]._read_group(
                    [("customer_id", "in", self.ids)], ["customer_id", "state"], ["__count"]):
                counts[(customer.id, state)] = count
        for file in self:
            file.promise_kept_count = counts[(file.id, "kept")]
            file.promise_partial_count = counts[(file.id, "partial")]
            file.promise_broken_count = counts[(file.id, "broken")]
            file.promise_record = self.env._(
                "%(kept)s kept · %(partial)s partly kept · %(broken)s broken",
                kept=file.promise_kept_count, partial=file.promise_partial_count, broken=file.promise_broken_count,
            )

    @api.depends("partner_id.collection_customer_type")
    def _compute_importance(self):
        for file in self:
            file.importance = debtor.importance(file.partner_id.collection_customer_type)

    @api.depends("debtor_class", "partner_id.collection_blacklisted")
    def _compute_risk_level(self):
        for file in self:
            file.risk_level = debtor.risk_level(file.debtor_class, file.partner_id.collection_blacklisted)

    @api.depends("importance", "risk_level")
    def _compute_matrix_strategy(self):
        for file in self:
            file.matrix_strategy = debtor.matrix_strategy(file.importance == "important", file.risk_level == "high")

    @api.depends("importance", "risk_level", "management_owner_id")
    def _compute_needs_management_owner(self):
        for file in self:
            file.needs_management_owner = debtor.needs_management_owner(
                bool(file.management_owner_id), file.importance, file.risk_level)

    # === Actions: the worklist's one-click buttons === #
    def action_work_call(self):
        return self._open_contact_wizard(channel="call")

    def action_work_log(self):
        return self._open_contact_wizard()

    def action_work_promise(self):
        return self._open_contact_wizard(channel="call", outcome="promise")

    def action_work_dispute(self):
        return self._open_contact_wizard(channel="call", outcome="dispute")

    def action_work_plan(self):
        return self._open_form("collection.payment.plan", self.env._("Payment Plan"))

    def action_work_arrangement(self):
        return self._open_form("collection.arrangement", self.env._("Arrangement"))

    def action_work_assess(self):
        return self._open_form("collection.debtor.assessment", self.env._("Assess the Debtor"))

    def action_work_letter(self):
        """The letters' wizard when it is installed; otherwise a "Letter to send" activity for the collector."""
        self.ensure_one()
        self.check_access("write")
        xmlid = "account_collection_litigation.collection_letter_wizard_action"
        if self.env.ref(xmlid, raise_if_not_found=False):
            result = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            result["context"] = {"default_customer_ids": self.ids, "default_company_id": self.company_id.id}
            return result
        self.activity_schedule("account_collection_litigation.mail_activity_type_collection_letter",
                               user_id=(self.user_id or self.env.user).id)
        return True

    def _action_open_work(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": model, "name": name, "view_mode": "list,form",
            "domain": [("customer_id", "=", self.id)], "context": {"default_customer_id": self.id},
        }

    def action_open_contacts(self):
        return self._action_open_work("collection.contact", self.env._("Contacts"))

    def action_open_promises(self):
        return self._action_open_work("collection.promise", self.env._("Promises"))

    def action_open_disputes(self):
        return self._action_open_work("collection.dispute", self.env._("Disputes"))

    def action_open_plans(self):
        return self._action_open_work("collection.payment.plan", self.env._("Payment Plans"))

    def action_open_visits(self):
        return self._action_open_work("collection.visit", self.env._("Visits"))

    def action_plan_visits(self):
        """A visit today for each chosen customer, by its collector (the policy's until the file has one); a
        customer with a visit still to make keeps that one, so that planning twice plans nothing more."""
        self.check_access("write")
        visits = self.env["collection.visit"].search([("customer_id", "in", self.ids),
                                                      ("state", "in", ("planned", "on_site"))])
        to_plan = self - visits.customer_id
        policies = to_plan._work_policies()
        visits |= self.env["collection.visit"].create([{
            "customer_id": file.id, "user_id": (file.user_id or policies[file.id].collector_id or self.env.user).id,
            "date": self.env["collection.escalation"]._today(file.company_id),
        } for file in to_plan])
        action = self.env["ir.actions.act_window"]._for_xml_id("account_collection_litigation.collection_visit_action")
        action["context"] = {}
        if len(visits) == 1:   # from the worklist: the visit itself, to set its purpose and route order
            action.update(view_mode="form", views=[(False, "form")], res_id=visits.id)
        else:
            action["domain"] = [("id", "in", visits.ids)]
        return action

    def action_reassign(self):
        if not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(self.env._("Only a supervisor reassigns customers."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_reassign_wizard_action")
        action["context"] = {"default_customer_ids": self.ids}
        return action

    def _open_contact_wizard(self, **defaults):
        self.ensure_one()
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id(CONTACT_WIZARD_ACTION)
        action["context"] = {"default_customer_id": self.id,
                             **{f"default_{key}": value for key, value in defaults.items()}}
        return action

    def _open_form(self, model, name):
        self.ensure_one()
        self.check_access("write")
        return {"type": "ir.actions.act_window", "res_model": model, "name": name, "view_mode": "form",
                "target": "new" if model == "collection.debtor.assessment" else "current",
                "context": {"default_customer_id": self.id}}

    # === Cron === #
    @api.model
    def _cron_prepare_worklists(self, batch_size=2000):
        """Every morning, after the escalation: a collector for the customers that entered collection, then the
        priority of every file in collection, one batch per call (done for the day once computed).

        Shared by the worker slots of the job (crons of the same code): each call claims its own batch of files
        (FOR UPDATE SKIP LOCKED, held until the call's commit), and the day's assignments and waiting follow-ups
        are done by the one call that holds the worklist lock; the others leave the files those steps write."""
        # First statement of the call: the claim below sees what the other slots committed before it
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", WORKLIST_LOCK_KEY))
        day_steps = self.env.cr.fetchone()[0]
        claim = self._claim_work_batch(batch_size, day_steps)
        files = claim.records
        if day_steps:
            self._complete_new_files()
            self._assign_collectors()
            # the follow-ups that waited for their assignee's capacity come first in the day's new activities
            self.env["collection.batch.runner"]._run(
                self.env["collection.history"]._waiting_rows(),
                lambda rows: [group._give_waiting_activities(self.env["collection.escalation"]._today(company))
                              for company, group in rows.grouped("company_id").items()],
                "account_collection_litigation.ir_cron_collection_worklists",
                on_error=lambda row, _exc: row._set_delivery({"state": "cancelled"}),
                thread_of=lambda row: row.customer_id,
            )
        # a file that fails is done for the day all the same (its error on its chatter): never picked again
        self.env["collection.batch.runner"]._run(
            files, lambda batch: batch._compute_work_priorities(),
            "account_collection_litigation.ir_cron_collection_worklists",
            on_error=lambda file, _exc: file.sudo().write(
                {"work_checked_on": self.env["collection.escalation"]._today(file.company_id)}),
        )
        remaining = 0
        if len(files) == batch_size or claim.contended:
            self.env.cr.execute(SQL("SELECT count(*) FROM collection_customer WHERE %s", self._work_to_check_sql()))
            remaining = self.env.cr.fetchone()[0]
        return self.env["collection.batch.runner"]._notify_claim_progress(claim, len(files), remaining)

    @api.model
    def _work_to_check_sql(self):
        """Files whose priority is still to compute today, each on its company's day (a condition on the table)."""
        return SQL(
            "(work_checked_on IS NULL OR work_checked_on < (SELECT d.today FROM %s WHERE d.company_id = "
            "collection_customer.company_id)) AND (overdue_count > 0 OR work_priority > 0)",
            self.env["collection.escalation"]._company_days(),
        )

    @api.model
    def _claim_work_batch(self, limit, day_steps=True):
        """The next files to prioritise that no other worker holds, locked until this call commits (a Claim of
        collection.batch.runner). Without the day's steps (another worker holds them), the files those steps
        write (new, not assigned yet) are left to it: two transactions never write the same row."""
        where = self._work_to_check_sql()
        if not self.env.su:   # the companies a search would give this user (the cron's user sees them all)
            where = SQL("%s AND company_id = ANY(%s)", where, self.env.companies.ids)
        if not day_steps:
            where = SQL("%s AND importance IS NOT NULL AND (work_assigned OR COALESCE(overdue_count, 0) <= 0)", where)
        return self.env["collection.batch.runner"]._claim(self._name, where, limit)

    # === Business: the worklist === #
    @api.model
    def _complete_new_files(self):
        """Files the escalation created in bulk SQL (not through the ORM) miss what this module stores on a new
        file: its importance and risk, hence whether it needs a management owner."""
        # Plain rows in one query and one UPDATE, with the rules the computes use (tools/debtor): through the ORM
        # a first run read every column of 20,000 partners and wrote the files 100 a statement, seconds of the
        # go-live night; no tracking line either way.
        self.flush_model(["importance", "debtor_class", "management_owner_id"])
        self.env["res.partner"].flush_model(["collection_customer_type", "collection_blacklisted"])
        self.env.cr.execute(SQL(
            """
            SELECT c.id, p.collection_customer_type, COALESCE(p.collection_blacklisted, false), c.debtor_class,
                   c.management_owner_id IS NOT NULL
              FROM collection_customer c JOIN res_partner p ON p.id = c.partner_id
             WHERE c.importance IS NULL
            """,
        ))
        rows = []
        for file_id, customer_type, blacklisted, debtor_class, has_owner in self.env.cr.fetchall():
            file_importance, file_risk, needs_owner = debtor.file_profile(
                customer_type, debtor_class, blacklisted, has_owner)
            rows.append({"id": file_id, "importance": file_importance, "risk_level": file_risk,
                         "needs_management_owner": needs_owner})
        self.env["collection.escalation"]._write_rows(self._name, rows)

    def _timezone(self):
        self.ensure_one()
        partner, company = self.partner_id, self.company_id
        country = partner.country_id
        return customer_timezone(
            partner.tz, company.partner_id.tz, pytz.country_timezones.get(country.code, ()) if country else (),
            same_country_as_company=not country or country == company.country_id,
        )

    def _work_policies(self):
        """{file id: policy} for the collector's day: the file's policy, else its company's default, else the
        policy defaults (a new record, never saved)."""
        defaults = {}
        return {file.id: self._work_policy(file.policy_id, file.company_id, defaults) for file in self}

    @api.model
    def _work_policy(self, policy, company, defaults):
        """A file's policy for the collector's day: its own, else its company's default, else the policy defaults
        (a new record, never saved, one per company kept in `defaults`)."""
        return policy or company.collection_policy_id or defaults.setdefault(
            company.id, self.env["collection.policy"].new({}))

    def _by_company(self):
        """[(company, its files)] of these files, grouped in one query: the night's batches are thousands of files,
        which `grouped("company_id")` would read record by record."""
        self.flush_model(["company_id"])
        self.env.cr.execute(SQL(
            "SELECT company_id, array_agg(id ORDER BY id) FROM collection_customer WHERE id IN %s GROUP BY company_id",
            tuple(self.ids),
        ))
        return [(self.env["res.company"].browse(company_id), self.browse(file_ids))
                for company_id, file_ids in self.env.cr.fetchall()]

    def _compute_work_priorities(self, today=None):
        """The priority of these files, set-based: one read of what it weighs, one UPDATE."""
        if not self:
            return
        self.flush_model()
        if today is None:   # each company on its own day
            for company, files in self._by_company():
                files._compute_work_priorities(self.env["collection.escalation"]._today(company))
            return
        self.env.cr.execute(SQL(
            """
            WITH top AS (
                SELECT company_id, max(claim_amount) AS claim FROM collection_customer
                 WHERE id IN %(ids)s GROUP BY company_id
            ), ladder AS (
                SELECT id, row_number() OVER w AS rank, count(*) OVER (PARTITION BY policy_id) AS size
                  FROM collection_stage WINDOW w AS (PARTITION BY policy_id ORDER BY days_from, sequence)
            ), broken AS (
                SELECT customer_id, count(*) AS n FROM collection_history
                 WHERE customer_id IN %(ids)s AND event IN ('promise_broken', 'plan_broken')
                   AND date >= %(since)s
                 GROUP BY customer_id
            )
            SELECT c.id, c.claim_amount, top.claim, c.days_overdue, ladder.rank, ladder.size, c.policy_id,
                   c.company_id, p.collection_blacklisted, c.debtor_class, c.willingness, p.collection_customer_type,
                   COALESCE(broken.n, 0)
              FROM collection_customer c
              JOIN res_partner p ON p.id = c.partner_id
              LEFT JOIN top ON top.company_id = c.company_id
              LEFT JOIN ladder ON ladder.id = c.stage_id
              LEFT JOIN broken ON broken.customer_id = c.id
             WHERE c.id IN %(ids)s
            """,
            ids=tuple(self.ids), since=fields.Date.subtract(today, days=365),
        ))
        rows = self.env.cr.fetchall()
        # the weights of each policy once, from the rows' own policy and company (not every file read again)
        weights, defaults = {}, {}
        policies, companies = self.env["collection.policy"], self.env["res.company"]
        values = []
        for (file_id, claim, top, days, rank, size, policy_id, company_id, blacklisted, debtor_class, willingness,
             customer_type, broken) in rows:
            if (policy_id, company_id) not in weights:
                weights[policy_id, company_id] = self._work_policy(
                    policies.browse(policy_id), companies.browse(company_id), defaults)._priority_weights()
            score = priority(
                weights[policy_id, company_id], (claim or 0.0) / top if top else 0.0, days or 0,
                (rank or 0) / size if size else 0.0,
                customer_risk(blacklisted, debtor_class, willingness, customer_type), broken,
            )
            values.append((file_id, score))
        self.env.cr.execute(SQL(
            """
            UPDATE collection_customer c SET work_priority = v.score, work_checked_on = %s
              FROM (VALUES %s) AS v(id, score) WHERE c.id = v.id
            """,
            today, SQL(", ").join(SQL("(%s, %s)", file_id, score) for file_id, score in values),
        ))
        self.invalidate_recordset(["work_priority", "work_checked_on"])

    @api.model
    def _assign_collectors(self):
        """Customers that entered collection and that the escalation left without a collector (another worker
        counted the daily limits) get one (`_pick_collectors`), else keep the one they have; then each collector
        is told of the day's new customers, once."""
        new = self.search([("work_assigned", "=", False), ("overdue_count", ">", 0)])
        picked = new._pick_collectors({file.id: file.claim_amount for file in new})
        by_collector = defaultdict(list)
        for file in new:
            by_collector[(picked.get(file.id) or file.user_id.id, file.company_id)].append(file.id)
        # One UPDATE per collector, no tracking message and no "you have been assigned" mail per file: the
        # collector follows the files in one batch and gets one summary for the day.
        quiet = self.with_context(tracking_disable=True)
        for (user_id, company), file_ids in by_collector.items():
            quiet.browse(file_ids).write({"user_id": user_id or False, "work_assigned": True,
                                          "assigned_on": self.env["collection.escalation"]._today(company)})
        self._subscribe_collectors({file_id: user_id for (user_id, _company), file_ids in by_collector.items()
                                    for file_id in file_ids if user_id})
        self._notify_new_files()

    def _pick_collectors(self, claims):
        """{file id: collector id} for these files entering collection, `claims` {file id: amount claimed}: the
        first team of each one's segment, its member with the lightest workload (open customers, then amount
        claimed), the largest claims first. Files of no team are left out (they keep the collector they have)."""
        if not self:
            return {}
        # the segment of each file as plain rows, one query: a go-live morning gives 20,000 customers a collector
        # (their company too: the ORM would read the files' whole rows for it)
        self.env.cr.execute(SQL(
            """
            SELECT c.id, c.company_id, p.collection_customer_type,
                   array_remove(array_agg(r.category_id ORDER BY r.category_id), NULL)
              FROM collection_customer c
              JOIN res_partner p ON p.id = c.partner_id
              LEFT JOIN res_partner_res_partner_category_rel r ON r.partner_id = p.id
             WHERE c.id IN %s
             GROUP BY c.id, c.company_id, p.collection_customer_type
            """,
            tuple(self.ids),
        ))
        segments = {file_id: (company_id, customer_type or False, tuple(categories))
                    for file_id, company_id, customer_type, categories in self.env.cr.fetchall()}
        teams = self.env["collection.team"].search(
            [("company_id", "in", list({company_id for company_id, *_segment in segments.values()}))])
        if not teams.member_ids:
            return {}
        load = {}
        for user, company, count, claim in self._read_group(
                [("user_id", "in", teams.member_ids.ids), ("overdue_count", ">", 0), ("work_assigned", "=", True)],
                ["user_id", "company_id"], ["__count", "claim_amount:sum"]):
            load[(user.id, company.id)] = (count, claim)
        members = {team: team.member_ids.ids for team in teams}
        picked = {}
        team_of = {}   # the segment's team, looked up once per segment, not per file
        for file_id in sorted(self.ids, key=lambda file_id: (-claims[file_id], file_id)):
            segment = segments[file_id]
            company_id, customer_type, categories = segment
            if segment not in team_of:
                team_of[segment] = next((t for t in teams if t.company_id.id == company_id and members[t]
                                         and t._matches(customer_type, list(categories))), None)
            team = team_of[segment]
            if not team:
                continue
            company_load = {user: load.get((user, company_id), (0, 0.0)) for user in members[team]}
            user_id = pick_collector(members[team], company_load)
            count, claim = company_load[user_id]
            load[(user_id, company_id)] = (count + 1, claim + claims[file_id])
            picked[file_id] = user_id
        return picked

    @api.model
    def _subscribe_collectors(self, collector_of):
        """Each collector follows the files given to them, {file id: collector id}: one statement per collector."""
        file_ids = defaultdict(list)
        for file_id, user_id in collector_of.items():
            file_ids[user_id].append(file_id)
        for user in self.env["res.users"].browse(list(file_ids)):   # the collectors' partners read together
            self.browse(file_ids[user.id])._subscribe_in_bulk(user.partner_id)

    def _subscribe_in_bulk(self, partner):
        """message_subscribe of one partner to these files with the default subtypes, an existing subscription
        left as it is, in one statement: the ORM creates a follower record per file (half a millisecond each,
        ten seconds for a go-live morning of 20,000 customers)."""
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(self._name)
        self.env["mail.followers"].flush_model()
        self.env.cr.execute(SQL(
            """
            WITH added AS (
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT %(model)s, res_id, %(partner)s FROM unnest(%(ids)s::int[]) AS res_id
                ON CONFLICT DO NOTHING
                RETURNING id
            )
            INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
            SELECT added.id, subtype FROM added, unnest(%(subtypes)s::int[]) AS subtype
            """,
            model=self._name, partner=partner.id, ids=self.ids,
            subtypes=(external if partner.partner_share else default).ids,
        ))
        self.env["mail.followers"].invalidate_model()
        self.invalidate_recordset(["message_follower_ids", "message_partner_ids", "message_is_follower"])

    @api.model
    def _notify_new_files(self):
        """One notice per collector and day: how many new customers they were given today, by the escalation or
        the worklists (later assignments of the same day are on their worklist, without another mail)."""
        cron = self.env.ref("account_collection_litigation.ir_cron_collection_worklists", raise_if_not_found=False)
        counts = {user.id: count for user, count in self._read_group(
            expression.AND([[("user_id", "!=", False)],
                            self.env["collection.escalation"]._company_day_domain("assigned_on", "=")]),
            ["user_id"], ["__count"])}
        if not counts or not cron:
            return
        users = self.env["res.users"].sudo().browse(list(counts)).filtered(lambda user: user.active and not user.share)
        today = self.env["collection.escalation"]._today(self.env.company)
        subject = self.env._("New customers to collect on %(date)s", date=today)
        told = self.env["mail.message"].sudo().search([
            ("model", "=", "ir.cron"), ("res_id", "=", cron.id), ("subject", "=", subject),
            ("message_type", "=", "user_notification"), ("partner_ids", "in", users.partner_id.ids),
        ]).partner_ids
        for user in users.filtered(lambda user: user.partner_id not in told):
            self.env["mail.thread"].sudo().with_context(lang=user.lang).message_notify(
                model="ir.cron", res_id=cron.id, partner_ids=user.partner_id.ids, subject=subject,
                body=self.with_context(lang=user.lang).env._(
                    "You were given %(count)s new customers to collect: they are on your worklist.",
                    count=counts[user.id]),
            )

    # === Business: knowing the debtor === #
    def _apply_assessments(self):
        """The latest assessment of each file is the file's; key or high-risk customers without a management
        owner get one asked of the supervisor."""
        latest = {}
        for assessment in self.env["collection.debtor.assessment"].search(
                [("customer_id", "in", self.ids)], order="date desc, id desc"):
            latest.setdefault(assessment.customer_id.id, assessment)
        for file in self:
            assessment = latest.get(file.id)
            file.sudo().write({
                "ability": assessment.ability if assessment else False,
                "willingness": assessment.willingness if assessment else False,
                "assessment_date": assessment.date if assessment else False,
                "debtor_class": assessment.debtor_class if assessment else False,
                "debtor_strategy": assessment.strategy if assessment else False,
            })
        for file in self.filtered("needs_management_owner"):
            summary = self.env._("Give %(customer)s a management owner and a dedicated plan",
                                 customer=file.partner_id.name)
            if not file.activity_ids.filtered(lambda a, summary=summary: a.summary == summary):
                file.sudo().activity_schedule("mail.mail_activity_data_todo",
                                              user_id=file._responsible_user("supervisor").id, summary=summary)

    def _note_objection(self, reason, dispute=None):
        """Count the customer's objections of `reason` (contacts, and disputes raised outside a contact): at the
        policy's threshold it is a repeated excuse, flagged once with a strategy activity for the supervisor."""
        self.ensure_one()
        threshold = self._work_policies()[self.id].repeat_excuse_threshold
        if not reason or not threshold:
            return
        count = self.env["collection.contact"].search_count(
            [("customer_id", "=", self.id), ("objection_id", "=", reason.id)])
        count += self.env["collection.dispute"].search_count([
            ("customer_id", "=", self.id), ("reason_id", "=", reason.id),
            "|", ("contact_id", "=", False), ("contact_id.objection_id", "!=", reason.id),
        ])
        if count < threshold:
            return
        if dispute:
            dispute.repeated_excuse = True
        if reason in self.repeated_excuse_ids:
            return
        self.sudo().repeated_excuse_ids = [fields.Command.link(reason.id)]
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo", user_id=self._responsible_user("supervisor").id,
            summary=self.env._("Repeated excuse: %(reason)s (%(count)s times); set a dedicated strategy",
                               reason=reason.name, count=count),
            note=reason.response or False,
        )

    # ====== From a customer file to its legal cases ====== #
    # === Fields === #
    case_count = fields.Integer(string="Legal Cases", compute="_compute_case_count", groups=LEGAL_USER)

    # === Compute === #
    def _compute_case_count(self):
        counts = {(partner.id, company.id): count for partner, company, count in self.env[
            "collection.case"]._read_group([("partner_id", "in", self.partner_id.ids)],
                                           ["partner_id", "company_id"], ["__count"])}
        for file in self:
            file.case_count = counts.get((file.partner_id.id, file.company_id.id), 0)

    # === Actions === #
    def action_open_case_wizard(self):
        """Propose a legal case: the wizard, pre-filled with the overdue invoices no open case claims yet."""
        self.ensure_one()
        self.env["collection.case"].check_access("create")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_case_open_wizard_action")
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action

    def action_view_legal_cases(self):
        self.ensure_one()
        action = self.partner_id.action_open_legal_cases()
        action["domain"] = [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)]
        return action

    # ====== The court-fee estimate of a customer's overdue balance, before a case is opened ====== #
    legal_fee_estimate = fields.Monetary(
        string="Court Fees If Sued", compute="_compute_legal_fee_estimate", groups=LEGAL_USER,
        currency_field="legal_fee_currency_id",
        help="Case, preservation and enforcement fees of a suit over the overdue balance (ordinary procedure), in "
        "CNY at today's rate.")
    legal_fee_currency_id = fields.Many2one("res.currency", compute="_compute_legal_fee_estimate", groups=LEGAL_USER)

    @api.depends("overdue_amount", "currency_id")
    def _compute_legal_fee_estimate(self):
        cases = self.env["collection.case"]
        for file in self:
            estimate = cases._court_fee_estimate(file.overdue_amount, "ordinary", file.currency_id, file.company_id)
            file.legal_fee_estimate = estimate["total"]
            file.legal_fee_currency_id = estimate["currency"]

    # ====== Limitation revived by the debtor (Civil Code art. 192) ====== #
    limitation_revivable = fields.Boolean(
        string="Revivable After Limitation", compute="_compute_limitation_revivable", groups=LEGAL_USER,
        help="An open invoice's limitation had run out, but the customer then acknowledged or paid: it can no "
        "longer plead limitation (PRC: Civil Code art. 192).")

    def _compute_limitation_revivable(self):
        moves = self.env["account.move"].sudo().search([
            *self.env["account.move"]._collection_open_domain(),
            ("commercial_partner_id", "in", self.partner_id.ids), ("company_id", "in", self.company_id.ids)])
        figures = moves._collection_limitation()
        revived = {(move.commercial_partner_id.id, move.company_id.id) for move in moves
                   if figures.get(move.id) and figures[move.id].revived}
        for file in self:
            file.limitation_revivable = (file.partner_id.id, file.company_id.id) in revived
