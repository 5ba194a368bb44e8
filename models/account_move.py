from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, create_index
from odoo.tools.query import Query

from ..tools import interest
from ..tools.aging import AGING_BUCKETS
from .collection_customer import NOT_CHASED_REASONS
from .collection_pause import PAUSE_REASONS

RECEIPT_METHODS = [
    ("delivery_note", "Signed delivery note"),
    ("email", "Email with read receipt"),
    ("courier", "Courier or registered mail"),
    ("portal", "Customer portal"),
    ("in_person", "Handed over in person"),
    ("other", "Other"),
]
# Fields only the escalation and the collection team change; everyone else reads them.
ENGINE_FIELDS = {
    "collection_customer_id", "collection_stage_id", "collection_stage_date", "collection_stage_locked",
    "collection_stage_note", "collection_bucket", "collection_pause_id", "collection_pause_reason",
    "collection_not_chased_reason", "collection_user_id",
}


class AccountMove(models.Model):
    _inherit = "account.move"

    # === Collection (kept right by the daily escalation) === #
    collection_customer_id = fields.Many2one(
        "collection.customer", string="Collection File", readonly=True, copy=False, index="btree_not_null"
    )
    collection_stage_id = fields.Many2one(
        "collection.stage", readonly=True, copy=False, index="btree_not_null"
    )
    collection_stage_color = fields.Integer(related="collection_stage_id.color")
    collection_stage_date = fields.Date(string="In Stage Since", readonly=True, copy=False)
    collection_stage_locked = fields.Boolean(
        string="Stage Set by Hand", readonly=True, copy=False,
        help="The escalation leaves a stage set by hand alone until someone escalates the invoice again.",
    )
    collection_stage_note = fields.Char(string="Stage Note", readonly=True, copy=False)
    collection_bucket = fields.Selection(list(AGING_BUCKETS), string="Aging Bucket", readonly=True, copy=False,
                                         help="As of the last escalation run.")
    collection_pause_id = fields.Many2one("collection.pause", string="Paused By", readonly=True, copy=False)
    collection_pause_reason = fields.Selection(PAUSE_REASONS, string="Pause Reason", readonly=True, copy=False)
    collection_not_chased_reason = fields.Selection(NOT_CHASED_REASONS, string="Not Chased Because",
                                                    readonly=True, copy=False)
    collection_user_id = fields.Many2one("res.users", string="Collector", readonly=True, copy=False)
    collection_next_action_id = fields.Many2one(related="collection_customer_id.next_action_id")
    collection_next_action_date = fields.Date(related="collection_customer_id.next_action_date")
    collection_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_collection_days_overdue", search="_search_collection_days_overdue"
    )
    collection_history_ids = fields.One2many("collection.history", "move_id")

    # === Overdue interest and compensation, as of today === #
    collection_interest_rule_id = fields.Many2one(
        "collection.interest.rule", string="Interest Rule", copy=False, check_company=True,
        help="Overrides the customer's and the policy's interest rule for this invoice.",
    )
    collection_interest_amount = fields.Monetary(string="Accrued Interest", compute="_compute_collection_interest")
    collection_compensation_amount = fields.Monetary(string="Compensation", compute="_compute_collection_interest")
    collection_interest_waived = fields.Monetary(string="Waived", compute="_compute_collection_interest")
    collection_interest_invoiced = fields.Monetary(string="Interest Invoiced", compute="_compute_collection_interest")
    collection_interest_claimable = fields.Monetary(string="Interest Claimable",
                                                    compute="_compute_collection_interest")
    collection_interest_explanation = fields.Text(string="How the Interest Is Computed",
                                                  compute="_compute_collection_interest")
    collection_waiver_ids = fields.One2many("collection.interest.waiver", "move_id", string="Interest Waivers")
    collection_interest_invoice_ids = fields.One2many("collection.interest.invoice", "source_move_id",
                                                      string="Interest Invoices")

    # === Contract and receipt: what letters and cases quote === #
    collection_contract_ref = fields.Char(string="Contract Number", copy=False)
    collection_contract_date = fields.Date(string="Contract Date", copy=False)
    collection_contract_file = fields.Binary(string="Contract", attachment=True, copy=False)
    collection_contract_filename = fields.Char(copy=False)
    collection_receipt_date = fields.Date(string="Received On", copy=False,
                                          help="When the customer received the invoice.")
    collection_receipt_method = fields.Selection(RECEIPT_METHODS, string="Received How", copy=False)
    collection_receipt_by = fields.Char(string="Received By", copy=False)
    collection_receipt_proof = fields.Binary(string="Proof of Receipt", attachment=True, copy=False)
    collection_receipt_proof_filename = fields.Char(copy=False)

    def init(self):
        res = super().init()
        # The escalation reads the open invoices of a batch of customers; account has no index for it.
        create_index(self.env.cr, "account_move_collection_customer_idx", self._table,
                     ["commercial_partner_id", "company_id"], where="move_type = 'out_invoice'")
        # Every run looks for open invoices not linked to a customer file yet: few, once the escalation ran.
        create_index(self.env.cr, "account_move_collection_unfiled_idx", self._table,
                     ["commercial_partner_id", "company_id"],
                     where="move_type = 'out_invoice' AND state = 'posted' AND amount_residual > 0 "
                           "AND collection_customer_id IS NULL")
        return res

    # === Compute === #
    @api.depends("invoice_date_due")
    def _compute_collection_days_overdue(self):
        # on the company's clock, as the escalation counts them, whatever the reader's time zone
        escalation = self.env["collection.escalation"]
        for company, moves in self.grouped("company_id").items():
            today = escalation._today(company)
            for move in moves:
                move.collection_days_overdue = (today - move.invoice_date_due).days if move.invoice_date_due else 0

    @api.depends("amount_residual", "invoice_date_due", "collection_interest_rule_id", "collection_waiver_ids.state")
    @api.depends_context("company")
    def _compute_collection_interest(self):
        figures = self._collection_interest(fields.Date.context_today(self), raise_errors=False)
        for move in self:
            values = figures.get(move.id) or {}
            move.collection_interest_amount = values.get("interest", 0.0)
            move.collection_compensation_amount = values.get("compensation", 0.0)
            move.collection_interest_waived = values.get("waived", 0.0)
            move.collection_interest_invoiced = values.get("invoiced", 0.0)
            move.collection_interest_claimable = values.get("claimable", 0.0)
            move.collection_interest_explanation = "\n".join(values.get("explanation", []))

    def _search_collection_days_overdue(self, operator, value):
        flip = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}
        if operator not in flip or not isinstance(value, int):
            raise NotImplementedError(self.env._("Unsupported search on days overdue: %s", operator))
        cutoff = self.env["collection.escalation"]._today(self.env.company) - timedelta(days=value)
        return [("invoice_date_due", flip[operator], cutoff)]

    # === CRUD === #
    def write(self, vals):
        if ENGINE_FIELDS & set(vals) and not self.env.su and not self.env.user.has_group(
            "account_collection_litigation.group_collection_collector"
        ):
            raise AccessError(self.env._("Only the collection team may change the collection status of an invoice."))
        return super().write(vals)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._collection_mark_to_recheck()
        return posted

    def button_draft(self):
        res = super().button_draft()
        self._collection_mark_to_recheck()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        self._collection_mark_to_recheck()
        return res

    # === Actions === #
    def action_collection_escalate(self):
        """Escalate now: also hands a stage set by hand back to the escalation."""
        self._collection_check_team()
        self.filtered("collection_stage_locked").write({"collection_stage_locked": False})
        self._collection_files()._escalate(trigger="manual")
        return True

    def action_collection_pause(self):
        self._collection_check_team()
        return self.env["collection.pause"]._action_open_wizard(moves=self._collection_open())

    def action_collection_resume(self):
        self._collection_check_team()
        pauses = self.collection_pause_id.filtered(lambda p: p.state == "active")
        if pauses:
            pauses.action_resume()
        return True

    def action_collection_set_stage(self):
        return self._collection_open_wizard("account_collection_litigation.collection_stage_wizard_action")

    def action_collection_invoice_interest(self):
        return self._collection_open_wizard("account_collection_litigation.collection_interest_invoice_wizard_action")

    def _collection_open_wizard(self, action_xmlid):
        """A collection wizard on the open invoices among these, for the collection team only."""
        self._collection_check_team()
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action["context"] = {"default_move_ids": self._collection_open().ids}
        return action

    # === Business: interest === #
    def _collection_policies(self):
        """{move id: collection policy} of customer invoices, read per company in one query."""
        policies = {}
        policy_model = self.env["collection.policy"]
        for company, moves in self.grouped("company_id").items():
            policy_of = policy_model._policy_ids_for_partners(tuple(set(moves.commercial_partner_id.ids)), company)
            for move in moves:
                policies[move.id] = policy_model.browse(policy_of.get(move.commercial_partner_id.id))
        return policies

    def _collection_policy(self):
        self.ensure_one()
        return self._collection_policies()[self.id]

    def _collection_interest_rules(self):
        """{move id: interest rule}: the invoice's own, else its customer's in the company, else its policy's."""
        policies = self._collection_policies()
        return {
            move.id: move.collection_interest_rule_id
            or move.commercial_partner_id.with_company(move.company_id).collection_interest_rule_id
            or policies[move.id].interest_rule_id
            for move in self
        }

    def _collection_interest_movements(self):
        """Payments and credit notes applied to the invoice, in its currency, from the day they apply."""
        self.ensure_one()
        partials = self.line_ids.filtered(lambda line: line.display_type == "payment_term").matched_credit_ids
        return [interest.Movement(p.max_date, Decimal(str(p.debit_amount_currency))) for p in partials]

    def _collection_interest(self, as_of, raise_errors=True):
        """{move id: figures} as of a day, for posted customer invoices: principal, interest, compensation, waived,
        invoiced and claimable amounts in the invoice's currency, with the line-by-line explanation."""
        moves = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted" and m.invoice_date_due)
        rules = moves._collection_interest_rules()
        rates = {table: table._rate_points() for table in self.env["collection.interest.rule"].union(
            *rules.values()).rate_table_id}
        figures = {}
        for move in moves:
            rule = rules[move.id]
            values = {"interest": 0.0, "compensation": 0.0, "explanation": [], "rule": rule}
            # Before the due date nothing accrues; asked for explicitly (posting, letters), it is an error.
            if rule and rule.method != "none" and (raise_errors or as_of >= move.invoice_date_due):
                try:
                    values.update(move._collection_interest_of(rule, rates.get(rule.rate_table_id, ()), as_of))
                except interest.InterestError as error:
                    if raise_errors:
                        raise UserError(self.env._("Interest of %(invoice)s: %(error)s", invoice=move.name,
                                                   error=error)) from error
                    values["explanation"] = [str(error)]
            gross = values["interest"] + values["compensation"]
            waived = sum(w._value(gross) for w in move.collection_waiver_ids if w.state == "approved")
            invoiced = sum(move.collection_interest_invoice_ids.mapped("amount"))
            values.update(gross=gross, waived=min(waived, gross), invoiced=invoiced,
                          claimable=move.currency_id.round(max(0.0, gross - waived - invoiced)))
            figures[move.id] = values
        return figures

    def _collection_interest_of(self, rule, rates, as_of):
        self.ensure_one()
        principal = Decimal(str(self.amount_total))
        compensation_rate = Decimal(1)
        comp_currency = rule.compensation_currency_id
        if rule.compensation != "none" and comp_currency and comp_currency != self.currency_id:
            compensation_rate = Decimal(str(self.env["res.currency"]._get_conversion_rate(
                comp_currency, self.currency_id, self.company_id,
                self.invoice_date or self.invoice_date_due)))
        result = interest.compute_interest(
            principal, self.invoice_date_due, self._collection_interest_movements(), rule._engine_rule(principal),
            rates, as_of, digits=self.currency_id.decimal_places, compensation_rate=compensation_rate,
        )
        return {
            "principal_open": float(result.principal_open),
            "interest": float(result.interest),
            "compensation": float(result.compensation),
            "lines": result.lines,
            "explanation": interest.explain(result),
        }

    def _collection_invoice_interest(self, as_of):
        """Invoice the claimable interest accrued up to a day: one interest invoice per customer, each overdue
        invoice charged once per day it was invoiced up to; running it again charges nothing twice."""
        figures = self._collection_interest(as_of)
        by_customer = defaultdict(list)
        for move in self:
            values = figures.get(move.id)
            if not values or move.currency_id.is_zero(values["claimable"]):
                continue
            if any(link.date_to >= as_of for link in move.collection_interest_invoice_ids):
                continue
            by_customer[(move.commercial_partner_id, move.company_id, move.currency_id)].append(
                (move, values["claimable"]))
        created = self.env["account.move"]
        for (partner, company, currency), items in by_customer.items():
            policy = items[0][0]._collection_policy()
            account = policy.interest_account_id or policy.interest_product_id.property_account_income_id
            if not (account or policy.interest_product_id):
                raise UserError(self.env._(
                    "Set the interest product or account on the collection policy %s first.", policy.name))
            invoice = self.env["account.move"].with_company(company).create({
                "move_type": "out_invoice", "partner_id": partner.id, "currency_id": currency.id,
                "invoice_date": as_of,
                "invoice_line_ids": [Command.create({
                    "product_id": policy.interest_product_id.id or False,
                    "account_id": account.id if account else False,
                    "name": self.env._("Overdue interest on %(invoice)s up to %(date)s", invoice=move.name,
                                       date=as_of),
                    "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()],
                }) for move, amount in items],
            })
            invoice.action_post()
            self.env["collection.interest.invoice"].create([{
                "source_move_id": move.id, "interest_move_id": invoice.id, "date_to": as_of, "amount": amount,
            } for move, amount in items])
            created |= invoice
        return created

    # === Business === #
    @api.model
    def _collection_open_domain(self):
        """What collection chases: posted customer invoices with something left to pay (the one definition; the
        filter and the SQL below are built from it)."""
        return [("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("amount_residual", ">", 0)]

    @api.model
    def _collection_open_sql(self, alias="account_move"):
        """The same condition in SQL, on the table alias of account_move in a raw query."""
        query = Query(self.env, alias, self._table_sql)
        return SQL(" AND ").join(
            self._condition_to_sql(alias, fname, operator, value, query)
            for fname, operator, value in self._collection_open_domain()
        )

    def _collection_open(self):
        return self.filtered_domain(self._collection_open_domain())

    def _collection_check_team(self):
        if not self.env.user.has_group("account_collection_litigation.group_collection_collector"):
            raise AccessError(self.env._("Only the collection team may do this."))
        return True

    def _collection_files(self):
        moves = self.filtered(lambda m: m.move_type == "out_invoice" and m.commercial_partner_id)
        return self.env["collection.customer"]._ensure_files(
            {(m.commercial_partner_id.id, m.company_id.id) for m in moves}
        )

    def _collection_mark_to_recheck(self):
        self._collection_files_to_recheck()._mark_to_recheck()

    def _collection_files_to_recheck(self):
        """The files to queue for today's run when these entries change: those of the customers of customer
        invoices (created when missing) and of those whose credit notes, payments or other receivable entries
        change what they owe (when they have one: credit alone is never chased)."""
        files = self._collection_files()
        others = self.filtered(lambda m: m.move_type != "out_invoice")
        pairs = {
            (line.partner_id.commercial_partner_id.id, line.company_id.id)
            for line in others.line_ids if line.account_type == "asset_receivable" and line.partner_id
        }
        if pairs:
            files |= self.env["collection.customer"].sudo().search([
                ("partner_id", "in", [p for p, _c in pairs]), ("company_id", "in", [c for _p, c in pairs]),
            ]).filtered(lambda f: (f.partner_id.id, f.company_id.id) in pairs)
        return files
