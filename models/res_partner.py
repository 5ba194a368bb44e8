from collections import defaultdict

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .collection_policy import CUSTOMER_TYPES

LEGAL_USER = "account_collection_litigation.group_litigation_user"
# Who reads the collection team's work on a customer or an invoice (next action, interest, the file itself): a
# sales rep reads the status badge and the figures on it, never these, on any path (read, search, export, mail).
COLLECTION_READERS = (
    "account.group_account_invoice,account.group_account_readonly,"
    "account_collection_litigation.group_collection_collector"
)

COLLECTION_STATUSES = [
    ("good", "In good standing"),
    ("overdue", "Overdue"),
    ("paused", "Chasing paused"),
    ("hold", "On credit hold"),
    ("blacklisted", "Blacklisted"),
    ("litigation", "In litigation"),
    ("written_off", "Written off"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # === Settings of the customer === #
    collection_customer_type = fields.Selection(CUSTOMER_TYPES, string="Customer Type", tracking=True)
    collection_policy_id = fields.Many2one(
        "collection.policy", company_dependent=True, groups=COLLECTION_READERS,
        help="Leave empty to follow the policy of the customer type, or the company's default.",
    )
    collection_interest_rule_id = fields.Many2one(
        "collection.interest.rule", string="Interest Rule", company_dependent=True, groups=COLLECTION_READERS,
        help="Overrides the policy's interest rule for this customer's invoices.",
    )
    collection_interest_amount = fields.Monetary(
        compute="_compute_collection_interest_amount", string="Interest Claimable",
        currency_field="collection_currency_id", groups=COLLECTION_READERS,
        help="Overdue interest and compensation claimable on the open invoices, in the company's currency.",
    )
    collection_blacklisted = fields.Boolean(string="Blacklisted", tracking=True,
                                            help="A bad-faith debtor: prepayment only.")

    # === Status in the current company (from its collection file) === #
    collection_customer_id = fields.Many2one("collection.customer", compute="_compute_collection",
                                             string="Collection File", groups=COLLECTION_READERS)
    collection_stage_id = fields.Many2one("collection.stage", compute="_compute_collection",
                                          search="_search_collection_stage_id")
    collection_stage_color = fields.Integer(compute="_compute_collection")
    collection_status = fields.Selection(COLLECTION_STATUSES, compute="_compute_collection",
                                         search="_search_collection_status")
    collection_overdue_amount = fields.Monetary(compute="_compute_collection", string="Total Overdue",
                                                currency_field="collection_currency_id")
    collection_due_amount = fields.Monetary(compute="_compute_collection", string="Total Due",
                                            currency_field="collection_currency_id")
    collection_currency_id = fields.Many2one("res.currency", compute="_compute_collection")
    collection_days_overdue = fields.Integer(compute="_compute_collection", string="Oldest Days Overdue")
    collection_user_id = fields.Many2one("res.users", compute="_compute_collection", string="Collector")
    collection_next_action_id = fields.Many2one("collection.action", compute="_compute_collection",
                                                string="Next Collection Action", groups=COLLECTION_READERS)
    collection_next_action_date = fields.Date(compute="_compute_collection", string="Next Action On",
                                              groups=COLLECTION_READERS)
    collection_credit_hold = fields.Boolean(compute="_compute_collection", search="_search_collection_credit_hold",
                                            string="Credit Hold")
    collection_overdue_count = fields.Integer(compute="_compute_collection", string="Overdue Invoices",
                                              groups=COLLECTION_READERS)
    collection_activity_count = fields.Integer(compute="_compute_collection", string="Collection Activities",
                                               groups=COLLECTION_READERS)

    # === Compute === #
    @api.depends_context("company")
    def _compute_collection(self):
        commercial = self.commercial_partner_id
        files = self.env["collection.customer"].sudo().search([
            ("partner_id", "in", commercial.ids), ("company_id", "=", self.env.company.id),
        ])
        file_by_partner = {f.partner_id.id: f for f in files}
        activity_counts = dict(self.env["mail.activity"].sudo()._read_group(
            [("res_model", "=", "collection.customer"), ("res_id", "in", files.ids)], ["res_id"], ["__count"]
        ))
        currency = self.env.company.currency_id
        for partner in self:
            file = file_by_partner.get(partner.commercial_partner_id.id, files.browse())
            partner.collection_customer_id = file.sudo(False)
            partner.collection_stage_id = file.stage_id
            partner.collection_stage_color = file.stage_id.color
            partner.collection_status = file._status() if file else (
                "blacklisted" if partner.commercial_partner_id.collection_blacklisted else "good")
            partner.collection_overdue_amount = file.overdue_amount
            partner.collection_due_amount = file.due_amount
            partner.collection_currency_id = currency
            partner.collection_days_overdue = file.days_overdue
            partner.collection_user_id = file.user_id
            partner.collection_next_action_id = file.next_action_id
            partner.collection_next_action_date = file.next_action_date
            partner.collection_credit_hold = file.credit_hold
            partner.collection_overdue_count = file.overdue_count
            partner.collection_activity_count = activity_counts.get(file.id, 0)

    @api.depends_context("company")
    def _compute_collection_interest_amount(self):
        """A figure of the customer's own invoices in the current company: computed as superuser, so that a user
        without Invoicing rights (a sales rep) can open the customer, whose invoices they may not read."""
        company = self.env.company
        moves = self.env["account.move"].sudo().search([
            *self.env["account.move"]._collection_open_domain(),
            ("commercial_partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", company.id),
        ])
        today = self.env["collection.escalation"]._today(company)
        figures = moves._collection_interest(today, raise_errors=False)
        totals = defaultdict(float)
        for move in moves:
            totals[move.commercial_partner_id.id] += move.currency_id._convert(
                figures[move.id]["claimable"], company.currency_id, company, today)
        for partner in self:
            partner.collection_interest_amount = totals[partner.commercial_partner_id.id]

    def _search_collection_stage_id(self, operator, value):
        return self._collection_file_domain([("stage_id", operator, value)])

    def _search_collection_credit_hold(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError(self.env._("Unsupported search on credit hold: %s", operator))
        held = self._collection_file_domain([("credit_hold", "=", True)])
        return held if (operator == "=") == bool(value) else self._collection_negate(held)

    def _search_collection_status(self, operator, value):
        """The partners whose file matches the status's domain: the same domains as the computed status, so a
        search finds exactly the partners showing that status."""
        if operator not in ("=", "!=", "in", "not in"):
            raise NotImplementedError(self.env._("Unsupported search on collection status: %s", operator))
        wanted = {value} if isinstance(value, str) else set(value)
        domains = self.env["collection.customer"]._status_domains()
        domain = expression.OR([
            self._collection_file_domain(domains[status]) for status in wanted if status in domains
        ])
        # A customer without a collection file is in good standing, or blacklisted.
        no_file = self._collection_negate(self._collection_file_domain([]))
        for status, blacklisted in (("good", False), ("blacklisted", True)):
            if status in wanted:
                domain = expression.OR([domain, expression.AND([
                    no_file, [("commercial_partner_id.collection_blacklisted", "=", blacklisted)]])])
        return self._collection_negate(domain) if operator in ("!=", "not in") else domain

    def _collection_file_domain(self, domain):
        """Partners whose collection file in the current company matches `domain`, as one sub-query."""
        files = self.env["collection.customer"].sudo()._search(
            expression.AND([[("company_id", "=", self.env.company.id)], domain])
        )
        return [("commercial_partner_id", "in", files.subselect(SQL.identifier(files.table, "partner_id")))]

    @api.model
    def _collection_negate(self, domain):
        return expression.distribute_not(["!", *expression.normalize_domain(domain)])

    # === CRUD === #
    @api.ondelete(at_uninstall=False)
    def _unlink_except_collection_history(self):
        self.env["collection.retention"]._check_no_history(self, "partner_id")

    def write(self, vals):
        res = super().write(vals)
        if {"collection_customer_type", "collection_policy_id"} & set(vals):
            files = self.env["collection.customer"].sudo().search(
                [("partner_id", "in", self.commercial_partner_id.ids)]
            )
            files._mark_to_recheck()   # the run re-evaluates them, not the user's save
        return res

    # === Actions === #
    def action_open_collection_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.account_move_action_collection"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_collection_overdue": 1}
        return action

    def action_open_collection_file(self):
        self.ensure_one()
        file = self.collection_customer_id or self.env["collection.customer"]._ensure_files(
            {(self.commercial_partner_id.id, self.env.company.id)}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "collection.customer",
            "res_id": file.id,
            "view_mode": "form",
            "name": self.env._("Collection"),
        }

    # ====== Lawyers, law firms and courts are contacts flagged as such; a debtor shows its legal cases ====== #
    # === Fields === #
    collection_is_lawyer = fields.Boolean(string="Lawyer", help="Offered as the outside lawyer of legal cases.")
    collection_is_law_firm = fields.Boolean(string="Law Firm", help="Offered as the law firm of legal cases.")
    collection_is_court = fields.Boolean(string="Court", help="Offered as the court of legal cases.")
    collection_case_ids = fields.One2many("collection.case", "partner_id", string="Legal Cases", groups=LEGAL_USER)
    collection_case_count = fields.Integer(compute="_compute_collection_case_count", groups=LEGAL_USER)

    # === Compute === #
    def _compute_collection_case_count(self):
        counts = dict(self.env["collection.case"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.collection_case_count = counts.get(partner.commercial_partner_id, 0)

    # === Actions === #
    def action_open_legal_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_collection_litigation.collection_case_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_open_case_wizard(self):
        self.ensure_one()
        self.env["collection.case"].check_access("create")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_case_open_wizard_action")
        action["context"] = {"active_model": "res.partner", "active_ids": self.commercial_partner_id.ids}
        return action
