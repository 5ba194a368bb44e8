from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, create_index
from odoo.tools.misc import format_date, formatLang
from odoo.tools.query import Query

from ..tools import interest
from ..tools import legal_deadlines as legal
from ..tools.aging import AGING_BUCKETS
from .collection_customer import NOT_CHASED_REASONS
from .collection_pause import PAUSE_REASONS
from .res_partner import COLLECTION_READERS

LEGAL_USER = "account_collection_litigation.group_litigation_user"
LETTER_EVENT_KINDS = {"demand_delivered": "demand", "acknowledgement": "acknowledgment"}

RECEIPT_METHODS = [
    ("delivery_note", "Signed delivery note"),
    ("email", "Email with read receipt"),
    ("courier", "Courier or registered mail"),
    ("portal", "Customer portal"),
    ("in_person", "Handed over in person"),
    ("other", "Other"),
]
# Where the interest rule of an invoice comes from, most specific first.
INTEREST_RULE_SOURCES = [
    ("invoice", "This invoice"),
    ("customer", "The customer"),
    ("policy", "The collection policy"),
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
        "collection.customer", string="Collection File", readonly=True, copy=False, index="btree_not_null",
        groups=COLLECTION_READERS,
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
    collection_next_action_id = fields.Many2one(related="collection_customer_id.next_action_id",
                                                groups=COLLECTION_READERS)
    collection_next_action_date = fields.Date(related="collection_customer_id.next_action_date",
                                              groups=COLLECTION_READERS)
    collection_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_collection_days_overdue", search="_search_collection_days_overdue"
    )
    collection_history_ids = fields.One2many("collection.history", "move_id", groups=COLLECTION_READERS)
    collection_is_open = fields.Boolean(
        string="Open for Collection", compute="_compute_collection_is_open", search="_search_collection_is_open",
        help="A posted customer invoice with something left to pay: what collection chases. Field domains of "
             "invoice pickers use it, so that they follow the one definition, `_collection_open_domain`.",
    )

    # === Overdue interest and compensation, as of today === #
    collection_interest_rule_id = fields.Many2one(
        "collection.interest.rule", string="Interest Rule", copy=False, check_company=True,
        help="Overrides the customer's and the policy's interest rule for this invoice.",
    )
    collection_interest_rule_applied_id = fields.Many2one(
        "collection.interest.rule", string="Interest Rule Applied", compute="_compute_collection_interest",
        help="The invoice's own rule, else the customer's, else the one of the customer's collection policy.",
    )
    collection_interest_rule_source = fields.Selection(
        INTEREST_RULE_SOURCES, string="Rule Taken From", compute="_compute_collection_interest",
    )
    collection_interest_amount = fields.Monetary(string="Accrued Interest", compute="_compute_collection_interest",
                                                 groups=COLLECTION_READERS)
    collection_compensation_amount = fields.Monetary(string="Compensation", compute="_compute_collection_interest",
                                                     groups=COLLECTION_READERS)
    collection_interest_waived = fields.Monetary(string="Waived", compute="_compute_collection_interest",
                                                 groups=COLLECTION_READERS)
    collection_interest_invoiced = fields.Monetary(string="Interest Invoiced", compute="_compute_collection_interest",
                                                   groups=COLLECTION_READERS)
    collection_interest_claimable = fields.Monetary(string="Interest Claimable",
                                                    compute="_compute_collection_interest", groups=COLLECTION_READERS)
    collection_interest_explanation = fields.Text(string="How the Interest Is Computed",
                                                  compute="_compute_collection_interest", groups=COLLECTION_READERS)
    collection_waiver_ids = fields.One2many("collection.interest.waiver", "move_id", string="Interest Waivers",
                                            groups=COLLECTION_READERS)
    collection_interest_invoice_ids = fields.One2many("collection.interest.invoice", "source_move_id",
                                                      string="Interest Invoices", groups=COLLECTION_READERS)

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
        is_open = self._collection_open_sql(self._table)
        create_index(self.env.cr, "account_move_collection_unfiled_idx", self._table,
                     ["commercial_partner_id", "company_id"],
                     where=self.env.cr.mogrify(is_open.code, is_open.params).decode()
                     + " AND collection_customer_id IS NULL")
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

    @api.depends("amount_residual", "invoice_date_due", "collection_interest_rule_id", "commercial_partner_id",
                 "collection_waiver_ids.state", "collection_waiver_ids.amount", "collection_waiver_ids.share",
                 "collection_interest_invoice_ids.amount")
    @api.depends_context("company", "lang")
    def _compute_collection_interest(self):
        figures = self._collection_interest(raise_errors=False)
        for move in self:
            values = figures.get(move.id) or {}
            move.collection_interest_rule_applied_id = values.get("rule") or False
            move.collection_interest_rule_source = values.get("source") or False
            move.collection_interest_amount = values.get("interest", 0.0)
            move.collection_compensation_amount = values.get("compensation", 0.0)
            move.collection_interest_waived = values.get("waived", 0.0)
            move.collection_interest_invoiced = values.get("invoiced", 0.0)
            move.collection_interest_claimable = values.get("claimable", 0.0)
            move.collection_interest_explanation = "\n".join(values.get("explanation", []))

    @api.depends("move_type", "state", "amount_residual")
    def _compute_collection_is_open(self):
        open_moves = self._collection_open()
        for move in self:
            move.collection_is_open = move in open_moves

    def _search_collection_is_open(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on Open for Collection: %s", operator))
        domain = self._collection_open_domain()
        return domain if (operator == "=") == value else ["!", *expression.normalize_domain(domain)]

    def _search_collection_days_overdue(self, operator, value):
        flip = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}
        if operator not in flip or not isinstance(value, int):
            raise NotImplementedError(self.env._("Unsupported search on days overdue: %s", operator))
        # each company on its own day, as the compute counts
        return self.env["collection.escalation"]._company_day_domain("invoice_date_due", flip[operator], value)

    @api.depends("partner_id", "date", "state", "move_type", "invoice_date_due", "amount_residual")
    @api.depends_context("input_full_display_name", "collection_invoice_picker", "lang")
    def _compute_display_name(self):
        """In the collection screens' invoice pickers: the number, due date, days overdue and open amount."""
        super()._compute_display_name()
        if not self.env.context.get("collection_invoice_picker"):
            return
        for move in self.filtered(lambda m: m.is_invoice(include_receipts=True) and m.invoice_date_due):
            overdue = move.collection_days_overdue
            move.display_name = self.env._(
                "%(name)s · due %(due)s · %(late)s · %(amount)s", name=move.name,
                due=format_date(self.env, move.invoice_date_due),
                late=self.env._("%s days overdue", overdue) if overdue > 0 else self.env._("not due"),
                amount=formatLang(self.env, move.amount_residual, currency_obj=move.currency_id),
            )

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """The pickers list the oldest due first, so that the overdue invoices come before the others."""
        if not self.env.context.get("collection_invoice_picker"):
            return super().name_search(name, args, operator, limit)
        domain = list(args or [])
        if name:
            domain += [("name", operator, name)]
        moves = self.search_fetch(domain, ["display_name"], order="invoice_date_due asc, id asc", limit=limit)
        return [(move.id, move.display_name) for move in moves]

    # === CRUD === #
    @api.ondelete(at_uninstall=False)
    def _unlink_except_collection_history(self):
        self.env["collection.retention"]._check_no_history(self, "move_id")
        # an invoice the escalation found overdue starts in its stage without a history row of its own: its stage
        # is the record that it was in collection
        staged = self.sudo().filtered("collection_stage_id")
        if staged:
            raise UserError(self.env._(
                "%(invoices)s is in collection (%(stage)s): it is evidence of the chasing and cannot be deleted. "
                "Cancel it instead.",
                invoices=", ".join(staged.mapped("display_name")),
                stage=", ".join(staged.collection_stage_id.mapped("name"))))

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
        self._collection_check_not_in_litigation(self.env._("reset to draft"))
        res = super().button_draft()
        self._collection_mark_to_recheck()
        return res

    def button_cancel(self):
        self._collection_check_not_in_litigation(self.env._("cancelled"))
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
        """{move id: (interest rule, where it was set, policy)}: the invoice's own rule, else its customer's in the
        company, else its policy's; the source is a key of INTEREST_RULE_SOURCES (False when no rule applies)."""
        policies = self._collection_policies()
        origins = {}
        for move in self:
            policy = policies[move.id]
            candidates = (
                ("invoice", move.collection_interest_rule_id),
                ("customer", move.commercial_partner_id.with_company(move.company_id).collection_interest_rule_id),
                ("policy", policy.interest_rule_id),
            )
            source, rule = next(((key, rule) for key, rule in candidates if rule),
                                (False, self.env["collection.interest.rule"]))
            origins[move.id] = (rule, source, policy)
        return origins

    def _collection_interest_movements(self):
        """{move id: payments and credit notes applied to the invoice, in its currency, on the day they apply},
        read for all these invoices at once, from the books: in one query, as reading the invoices' lines through
        the ORM read every column of every line (a letter queue's largest read)."""
        movements = defaultdict(list)
        if not self:
            return movements
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date", "debit_amount_currency"])
        self.env.cr.execute(SQL(
            """
            SELECT l.move_id, p.max_date, p.debit_amount_currency
              FROM account_partial_reconcile p
              JOIN account_move_line l ON l.id = p.debit_move_id
             WHERE l.move_id IN %s AND l.display_type = 'payment_term'
             ORDER BY p.id
            """, tuple(self.ids),
        ))
        for move_id, day, amount in self.env.cr.fetchall():
            movements[move_id].append(interest.Movement(day, Decimal(str(amount))))
        return movements

    def _collection_interest(self, as_of=None, raise_errors=True):
        """{move id: figures} as of a day (None: today on each invoice's company clock), for posted customer
        invoices: principal, interest, compensation, waived, invoiced and claimable amounts in the invoice's
        currency, the rule and where it was set, the most the invoice can ever claim (`bound`, None when interest
        keeps running without a cap) and the explanation, worded in the user's language."""
        moves = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted" and m.invoice_date_due)
        escalation = self.env["collection.escalation"]
        days = {company: as_of or escalation._today(company) for company in moves.company_id}
        origins = moves._collection_interest_rules()
        rates = {table: table._rate_points() for table in self.env["collection.interest.rule"].union(
            *(rule for rule, _source, _policy in origins.values())).rate_table_id}
        movements = moves._collection_interest_movements()
        figures = {}
        for move in moves:
            as_of = days[move.company_id]
            rule, source, policy = origins[move.id]
            values = {"interest": 0.0, "compensation": 0.0, "rule": rule, "source": source, "policy": policy,
                      "explanation": move._collection_interest_header(rule, source, policy)}
            # Before the due date nothing accrues; asked for explicitly (posting, letters), it is an error.
            if rule and rule.method != "none" and (raise_errors or as_of >= move.invoice_date_due):
                try:
                    computed = move._collection_interest_of(rule, rates.get(rule.rate_table_id, ()), as_of,
                                                            movements[move.id])
                except interest.InterestError as error:
                    if raise_errors:
                        raise UserError(self.env._("Interest of %(invoice)s: %(error)s", invoice=move.name,
                                                   error=move._collection_interest_error_text(error, rule))) from error
                    values["explanation"].append(move._collection_interest_error_text(error, rule))
                else:
                    values.update(computed, explanation=values["explanation"] + computed["explanation"])
            gross = values["interest"] + values["compensation"]
            waived = sum(w._value(gross) for w in move.collection_waiver_ids if w.state == "approved")
            invoiced = sum(move.collection_interest_invoice_ids.mapped("amount"))
            values.update(gross=gross, waived=min(waived, gross), invoiced=invoiced,
                          claimable=move.currency_id.round(max(0.0, gross - waived - invoiced)),
                          bound=move._collection_interest_bound(rule, values, as_of))
            figures[move.id] = values
        return figures

    def _collection_interest_conversion(self, currency):
        """Rate turning an amount in `currency` into the invoice's currency, at the invoice date."""
        self.ensure_one()
        if not currency or currency == self.currency_id:
            return Decimal(1)
        return Decimal(str(self.env["res.currency"]._get_conversion_rate(
            currency, self.currency_id, self.company_id, self.invoice_date or self.invoice_date_due)))

    def _collection_interest_engine_rule(self, rule):
        """The rule as plain data for this invoice: a cap "not above the principal" is the invoice total, a fixed
        cap is converted into the invoice's currency at the invoice date."""
        self.ensure_one()
        principal = Decimal(str(self.amount_total))
        cap_amount = None
        if rule.cap == "amount":
            cap_amount = Decimal(str(rule.cap_amount)) * self._collection_interest_conversion(rule.cap_currency_id)
        return principal, rule._engine_rule(principal, cap_amount=cap_amount)

    def _collection_interest_of(self, rule, rates, as_of, movements):
        self.ensure_one()
        principal, engine_rule = self._collection_interest_engine_rule(rule)
        compensation_rate = Decimal(1)
        if rule.compensation != "none":
            compensation_rate = self._collection_interest_conversion(rule.compensation_currency_id)
        result = interest.compute_interest(
            principal, self.invoice_date_due, movements, engine_rule,
            rates, as_of, digits=self.currency_id.decimal_places, compensation_rate=compensation_rate,
        )
        # the figures alone when the caller prints no explanation (letters queued by the thousand)
        explanation = [] if self.env.context.get("collection_interest_figures_only") else interest.explain(
            result, engine_rule, self.invoice_date_due)
        return {
            "principal_open": float(result.principal_open),
            "interest": float(result.interest),
            "compensation": float(result.compensation),
            "lines": result.lines,
            "explanation": [self._collection_interest_line_text(line, rule) for line in explanation],
        }

    def _collection_interest_bound(self, rule, values, as_of):
        """The most interest and compensation this invoice can ever claim, in its currency, or None when interest
        keeps running without a cap: what a waiver of a share can remove over its life."""
        self.ensure_one()
        if not rule or rule.method == "none":
            return 0.0
        principal, engine_rule = self._collection_interest_engine_rule(rule)
        compensation = 0.0
        if rule.compensation != "none":
            # The fixed sum it comes to once overdue (nothing accrues on it, so no rate is needed).
            overdue_on = max(as_of, self.invoice_date_due + timedelta(days=rule.grace_days + 1))
            compensation = float(interest.compute_interest(
                principal, self.invoice_date_due, [], replace(engine_rule, method="compensation_only"), (),
                overdue_on, digits=self.currency_id.decimal_places,
                compensation_rate=self._collection_interest_conversion(rule.compensation_currency_id),
            ).compensation)
        if rule.method == "compensation_only":
            return compensation
        if "principal_open" in values and not values["principal_open"]:
            return values["interest"] + compensation    # paid in full: interest is frozen
        if "principal_open" not in values and self.currency_id.is_zero(self.amount_residual):
            return compensation                          # paid before anything accrued
        if engine_rule.cap is not None:
            return float(interest.round_half_up(engine_rule.cap, self.currency_id.decimal_places)) + compensation
        return None

    # --- wording of the explanation (tools.interest returns codes; the user reads them in their language) --- #
    def _collection_interest_header(self, rule, source, policy):
        """First line: which rule applies and where it was set."""
        if not rule:
            return [self.env._("No interest rule applies: none is set on the invoice, its customer or the "
                               "collection policy %(policy)s.", policy=policy.display_name or "-")]
        header = {
            "invoice": self.env._("Rule: %(rule)s, set on this invoice.", rule=rule.display_name),
            "customer": self.env._("Rule: %(rule)s, set on the customer %(customer)s.", rule=rule.display_name,
                                   customer=self.commercial_partner_id.display_name),
            "policy": self.env._("Rule: %(rule)s, from the collection policy %(policy)s.", rule=rule.display_name,
                                 policy=policy.display_name),
        }[source]
        if rule.method == "none":
            return [header, self.env._("This rule claims no interest and no compensation.")]
        return [header]

    def _collection_interest_amount_text(self, amount):
        digits = self.currency_id.decimal_places
        return formatLang(self.env, float(interest.round_half_up(Decimal(amount), digits)), digits=digits)

    def _collection_interest_number_text(self, value, minimum=2):
        """A rate, margin or multiplier with as many decimals as it has (at least `minimum`)."""
        return formatLang(self.env, float(value), digits=interest.rate_digits(Decimal(value), minimum))

    def _collection_interest_rate_text(self, params, rule):
        """How a reference rate was derived, e.g. "LPR 3.00 % × 1.5 = 4.50 %"."""
        table = rule.rate_table_id
        reference = self._collection_interest_number_text(params["reference_rate"])
        formula = f"{table.short_name or table.name} {reference} %"
        if params["multiplier"] != 1:
            formula += f" × {self._collection_interest_number_text(params['multiplier'], minimum=0)}"
        if params["margin"]:
            formula += f" + {self._collection_interest_number_text(params['margin'])}"
        if params["floored"]:
            return self.env._(
                "Rate: %(formula)s below zero, taken as 0 %% (%(table)s in force on %(date)s; a negative rate never "
                "turns interest into a refund).", formula=formula, table=table.name,
                date=format_date(self.env, params["reference_date"]))
        formula += f" = {self._collection_interest_number_text(params['rate'])} %"
        return self.env._("Rate: %(formula)s a year (%(table)s in force on %(date)s).", formula=formula,
                          table=table.name, date=format_date(self.env, params["reference_date"]))

    def _collection_interest_period_text(self, params):
        """One period, its arithmetic written out: base × rate × days (/ days in a year) = amount."""
        days = self.env._("1 day") if params["days"] == 1 else self.env._("%(count)s days", count=params["days"])
        values = {
            "date_from": format_date(self.env, params["date_from"]),
            "date_to": format_date(self.env, params["date_to"]),
            "days": days, "count": params["days"], "base": self._collection_interest_amount_text(params["base"]),
            "rate": self._collection_interest_number_text(params["rate"]),
            "amount": self._collection_interest_amount_text(params["amount"]),
        }
        if params["rate_unit"] == "day":
            return self.env._("%(date_from)s – %(date_to)s · %(days)s · %(base)s × %(rate)s %% × %(count)s "
                              "= %(amount)s", **values)
        return self.env._("%(date_from)s – %(date_to)s · %(days)s · %(base)s × %(rate)s %% × %(count)s / %(basis)s "
                          "= %(amount)s", basis=int(params["basis"]), **values)

    def _collection_interest_line_text(self, line, rule):
        """One line of the explanation, from its code and parameters, in the user's language."""
        params = line.params
        code = line.code
        if code == "first_day":
            if params["grace_days"]:
                return self.env._("Due on %(due)s; after %(grace)s days of grace, interest runs from %(first)s.",
                                  due=format_date(self.env, params["due_date"]), grace=params["grace_days"],
                                  first=format_date(self.env, params["first_day"]))
            return self.env._("Due on %(due)s; interest runs from %(first)s.",
                              due=format_date(self.env, params["due_date"]),
                              first=format_date(self.env, params["first_day"]))
        if code == "day_count":
            basis = 360 if params["day_count"] == "actual_360" else 365
            return self.env._(
                "Every day counts, the first and the last included; a payment or credit note still bears interest on "
                "the day it is made (to the date of actual payment) and reduces the base from the next day. A yearly "
                "rate is divided by %(basis)s, in leap years too.", basis=basis)
        if code == "rate_fixed":
            rate = self._collection_interest_number_text(params["rate"])
            if params["rate_unit"] == "day":
                return self.env._("Rate: %(rate)s %% a day.", rate=rate)
            return self.env._("Rate: %(rate)s %% a year.", rate=rate)
        if code == "rate_reference":
            return self._collection_interest_rate_text(params, rule)
        if code == "period":
            return self._collection_interest_period_text(params)
        if code == "paid_on":
            return self.env._("Paid in full on %(date)s: interest ran up to and including that day.",
                              date=format_date(self.env, params["date"]))
        if code == "not_started":
            return self.env._("Nothing has accrued yet: interest starts on %(date)s.",
                              date=format_date(self.env, params["first_day"]))
        if code == "total":
            return self.env._("Total interest = %(amount)s",
                              amount=self._collection_interest_amount_text(params["amount"]))
        if code == "total_capped":
            return self.env._("Total interest = %(amount)s (capped; the periods add up to %(uncapped)s)",
                              amount=self._collection_interest_amount_text(params["amount"]),
                              uncapped=self._collection_interest_amount_text(params["uncapped"]))
        if code == "compensation":
            amount = self._collection_interest_amount_text(params["amount"])
            if params["scheme"] == "uk_scale":
                return self.env._("Compensation = %(amount)s (UK scale by the size of the debt)", amount=amount)
            return self.env._("Compensation = %(amount)s (fixed sum per overdue invoice)", amount=amount)
        raise ValueError(f"Unknown interest explanation code {code!r}")

    def _collection_interest_error_text(self, error, rule):
        """An interest error worded for the user."""
        if error.code == "no_rate":
            return self.env._("No rate of %(table)s is in force on %(date)s: add it under Reference Rates.",
                              table=rule.rate_table_id.name, date=format_date(self.env, error.params["date"]))
        if error.code == "before_due":
            return self.env._("Interest cannot be computed before the due date, %(date)s.",
                              date=format_date(self.env, error.params["due_date"]))
        return str(error)

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

    # ====== Invoices claimed in legal cases ====== #
    # === Fields === #
    collection_case_line_ids = fields.One2many("collection.case.line", "move_id", groups=LEGAL_USER)
    collection_interruption_ids = fields.Many2many(
        "collection.case.interruption", "collection_case_interruption_move_rel", "move_id", "interruption_id",
        string="Limitation Events", copy=False, groups=LEGAL_USER,
    )
    collection_limitation_event_ids = fields.Many2many(
        "collection.limitation.event", "collection_limitation_event_move_rel", "move_id", "event_id",
        string="Limitation Interruptions", readonly=True, copy=False,
        groups=f"{LEGAL_USER},account_collection_litigation.group_collection_collector",
    )
    collection_limitation_deadline = fields.Date(
        string="Limitation Ends", compute="_compute_collection_limitation",
        groups=f"{LEGAL_USER},account_collection_litigation.group_collection_collector",
        help="From the due date, the payments and the proven interruptions (letters delivered, balance "
        "confirmations signed, legal events), on the company's jurisdiction.",
    )
    collection_limitation_revived = fields.Boolean(
        string="Limitation Defence Barred", compute="_compute_collection_limitation",
        groups=f"{LEGAL_USER},account_collection_litigation.group_collection_collector",
        help="The debtor acknowledged the debt or paid after the period had run out (PRC Civil Code Art. 192).",
    )
    collection_case_id = fields.Many2one("collection.case", string="Legal Case", compute="_compute_collection_case",
                                         groups=LEGAL_USER)
    collection_in_litigation = fields.Boolean(
        string="In Litigation", compute="_compute_collection_case", search="_search_collection_in_litigation",
        help="Claimed in an open legal case: it cannot be reset to draft or cancelled.",
    )
    collection_restriction_warning = fields.Char(
        string="Debtor Restricted", compute="_compute_collection_restriction_warning",
        help="The customer is on the dishonest-debtor list or under a consumption ban in one of our cases.")

    # === Compute === #
    @api.depends("partner_id", "move_type", "state")
    def _compute_collection_restriction_warning(self):
        """Shown on a customer invoice being prepared: one search for the whole batch, read as superuser (everyone
        invoicing should know, only the legal team sees the case)."""
        drafts = self.filtered(lambda m: m.state == "draft" and m.move_type in ("out_invoice", "out_receipt")
                               and m.partner_id)
        warnings = self.env["collection.case.restriction"]._warnings_for_partners(drafts.partner_id)
        for move in self:
            text = warnings.get(move.partner_id.commercial_partner_id.id) if move in drafts else None
            move.collection_restriction_warning = self.env._(
                "%(partner)s is restricted by a court: %(what)s", partner=move.partner_id.commercial_partner_id.name,
                what=text) if text else False

    @api.depends("collection_case_line_ids.case_open")
    def _compute_collection_case(self):
        """Read as superuser: everyone sees that an invoice is in litigation, only the legal team sees the case."""
        lines = self.env["collection.case.line"].sudo().search(
            [("move_id", "in", self.ids), ("case_open", "=", True)])
        case_of = {line.move_id.id: line.case_id.id for line in lines}
        for move in self:
            move.collection_in_litigation = move.id in case_of
            move.collection_case_id = case_of.get(move.id, False)

    def _compute_collection_limitation(self):
        figures = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted")._collection_limitation()
        for move in self:
            result = figures.get(move.id)
            move.collection_limitation_deadline = result.deadline if result else False
            move.collection_limitation_revived = bool(result and result.revived)

    def _search_collection_in_litigation(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on litigation: %s", operator))
        lines = self.env["collection.case.line"].sudo()._search([("case_open", "=", True)])
        in_case = [("id", "in", lines.subselect("move_id"))]
        return in_case if (operator == "=") == value else ["!", *in_case]

    # === Actions === #
    def action_collection_open_case(self):
        """Open the case wizard on these invoices (the mass action of the invoice list)."""
        partners = self.commercial_partner_id
        if len(partners) != 1:
            raise UserError(self.env._("Select the invoices of one customer to open a legal case."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_case_open_wizard_action")
        action["context"] = {"default_partner_id": partners.id, "default_company_id": self.company_id[:1].id,
                             "default_move_ids": self._collection_open().ids}
        return action

    def action_collection_view_case(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "collection.case", "res_id": self.collection_case_id.id,
                "view_mode": "form"}

    # === Business === #
    def _collection_check_not_in_litigation(self, what):
        lines = self.env["collection.case.line"].sudo().search(
            [("move_id", "in", self.ids), ("case_open", "=", True)])
        if lines:
            raise UserError(self.env._(
                "%(invoices)s cannot be %(what)s: claimed in the open legal case %(cases)s. The legal team must "
                "take it out of the case, or close the case, first.",
                invoices=", ".join(lines.move_id.mapped("name")), what=what,
                cases=", ".join(lines.case_id.mapped("name")),
            ))

    def _collection_payment_movements(self):
        """{move id: [(day, amount)]}: payments (not credit notes) applied to each invoice, in its currency."""
        if not self:
            return {}
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        self.env["account.move"].flush_model(["origin_payment_id", "statement_line_id"])
        self.env.cr.execute(SQL(
            """
            SELECT inv.move_id, p.max_date, p.debit_amount_currency
              FROM account_partial_reconcile p
              JOIN account_move_line inv ON inv.id = p.debit_move_id
              JOIN account_move_line pay ON pay.id = p.credit_move_id
              JOIN account_move pm ON pm.id = pay.move_id
             WHERE inv.move_id IN %s AND inv.display_type = 'payment_term'
               AND (pm.origin_payment_id IS NOT NULL OR pm.statement_line_id IS NOT NULL)
             ORDER BY p.max_date
            """,
            tuple(self.ids),
        ))
        movements = defaultdict(list)
        for move_id, day, amount in self.env.cr.fetchall():
            movements[move_id].append((day, amount))
        return movements

    def _collection_limitation(self, jurisdictions=None):
        """{move id: legal_deadlines.Limitation} of customer invoices, from their due date, the payments made on
        them (part payments restart the period), the letters delivered with proof and the acknowledgements signed
        (the letters engine's limitation events), and the limitation events of legal cases that cover them.

        `jurisdictions` gives a preset per move (a case's); otherwise the company's. Set-based: one query for the
        payments, one per kind of event, one for the holidays, whatever the number of invoices."""
        moves = self.filtered("invoice_date_due")
        if not moves:
            return {}
        jurisdictions = jurisdictions or {}
        payments = moves._collection_payment_movements()
        events = defaultdict(list)
        obstacles = defaultdict(list)
        for event in self.env["collection.case.interruption"].sudo().search([("move_ids", "in", moves.ids)]):
            for move_id in set(event.move_ids.ids) & set(moves.ids):
                if event.kind == "obstacle":
                    if event.proven:
                        obstacles[move_id].append((event.date, event.ends_on or None))
                else:
                    events[move_id].append(event._tool_event())
        for event in self.env["collection.limitation.event"].sudo().search([("move_ids", "in", moves.ids)]):
            for move_id in set(event.move_ids.ids) & set(moves.ids):
                events[move_id].append(legal.Event(LETTER_EVENT_KINDS[event.event_type], event.date))
        off_days = moves.company_id._collection_working_days()
        result = {}
        for move in moves:
            rules = legal.preset(jurisdictions.get(move.id) or move.company_id.collection_jurisdiction or "prc")
            move_events = events[move.id] + [legal.Event("part_payment", day) for day, _amount in payments[move.id]]
            result[move.id] = legal.limitation(rules, move.invoice_date_due, move_events, obstacles[move.id],
                                               off_days[move.company_id.id])
        return result

    @api.model
    def _collection_limitation_candidates(self, companies, horizon_days, today=None, in_litigation=None):
        """Open invoices (of `companies`, or of all when None) whose limitation may end within `horizon_days`: a
        set-based pre-filter on the due date, every event only moving a deadline later. The caller computes the
        exact deadline of these only."""
        if today is None:   # a pre-filter: the latest of the companies' days keeps every candidate
            escalation = self.env["collection.escalation"]
            today = max(escalation._today(company)
                        for company in (companies or self.env["res.company"].sudo().search([], limit=None)))
        # A case may use any preset: the shortest period of all of them bounds the search.
        latest_due = legal.earliest_possible_due(legal.PRESETS.values(), today, horizon_days)
        if latest_due is None:
            return self.browse()
        domain = [*self._collection_open_domain(), ("invoice_date_due", "<=", latest_due)]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        if in_litigation is not None:
            domain.append(("collection_in_litigation", "=", in_litigation))
        return self.search(domain)
