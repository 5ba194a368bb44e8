from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import court_fees

LEGAL_MANAGER = "account_collection_litigation.group_litigation_manager"
LEGAL_USER = "account_collection_litigation.group_litigation_user"
STOP_LOSS_STATES = [
    ("none", "None"),
    ("proposed", "Proposed"),
    ("approved", "Approved"),
]


class CollectionCase(models.Model):
    """The money side of a case: costs, court-fee estimate, expected net recovery, cost-benefit reviews,
    the stop-loss decision, settlements and write-offs."""

    _inherit = "collection.case"

    # === Fields: costs and estimate === #
    cost_ids = fields.One2many("collection.case.cost", "case_id", string="Costs", groups=LEGAL_USER)
    cost_total = fields.Monetary(string="Costs So Far", compute="_compute_costs", store=True)
    cost_recovered = fields.Monetary(string="Costs Recovered", compute="_compute_costs", store=True)
    fee_estimate_case = fields.Monetary(string="Estimated Case Fee", compute="_compute_fee_estimate")
    fee_estimate_preservation = fields.Monetary(string="Estimated Preservation Fee",
                                                compute="_compute_fee_estimate")
    fee_estimate_enforcement = fields.Monetary(string="Estimated Enforcement Fee", compute="_compute_fee_estimate")
    fee_estimate_total = fields.Monetary(string="Estimated Court Fees", compute="_compute_fee_estimate")
    expected_recovery_rate = fields.Float(
        string="Expected Recovery (%)", digits=(5, 2), tracking=True,
        default=lambda self: self.env.company.collection_expected_recovery_rate,
        help="The share of the claim this case is expected to recover.")
    expected_costs = fields.Monetary(string="Expected Further Costs",
                                     help="Costs still to come (fees, lawyer), beyond those recorded.")
    expected_net_recovery = fields.Monetary(
        compute="_compute_net_recovery",
        help="Claim × expected recovery rate − costs so far − expected further costs.")
    review_next_date = fields.Date(string="Next Cost-benefit Review", copy=False)

    # === Fields: stop-loss === #
    stop_loss_state = fields.Selection(STOP_LOSS_STATES, string="Stop-loss", default="none", required=True,
                                       tracking=True, copy=False)
    stop_loss_reason = fields.Text(string="Why Pursuing Further Is Uneconomic", tracking=True, copy=False)
    stop_loss_date = fields.Date(readonly=True, copy=False)
    stop_loss_approved_by_id = fields.Many2one("res.users", string="Stop-loss Approved By", readonly=True,
                                               copy=False)

    # === Fields: settlement and write-off === #
    settlement_ids = fields.One2many("collection.case.settlement", "case_id", string="Settlements",
                                     groups=LEGAL_USER)
    write_off_ids = fields.One2many("collection.write.off", "case_id", string="Write-offs", groups=LEGAL_USER)
    write_off_count = fields.Integer(compute="_compute_write_off_count")
    amount_written_off = fields.Monetary(string="Written Off", compute="_compute_recovery",
                                         help="What the posted (not reversed) write-offs settled.")

    _sql_constraints = [
        ("expected_recovery_rate_range", "CHECK(expected_recovery_rate >= 0 AND expected_recovery_rate <= 100)",
         "An expected recovery rate is between 0 and 100 %."),
    ]

    # === Compute === #
    @api.depends("cost_ids.amount", "cost_ids.recovered")
    def _compute_costs(self):
        for case in self:
            costs = case.sudo().cost_ids
            case.cost_total = sum(costs.mapped("amount"))
            case.cost_recovered = sum(costs.mapped("recovered"))

    @api.depends("claim_total", "procedure", "currency_id")
    def _compute_fee_estimate(self):
        for case in self:
            fees = case._court_fee_estimate(case.claim_total, case.procedure)
            case.fee_estimate_case, case.fee_estimate_preservation, case.fee_estimate_enforcement = fees
            case.fee_estimate_total = sum(fees)

    @api.depends("claim_total", "expected_recovery_rate", "cost_total", "expected_costs")
    def _compute_net_recovery(self):
        for case in self:
            case.expected_net_recovery = case.currency_id.round(
                case.claim_total * case.expected_recovery_rate / 100 - case.cost_total - case.expected_costs)

    @api.depends("line_ids.amount_residual", "claim_principal")
    def _compute_recovery(self):
        """Recovered: what the claimed invoices owed at filing less what they owe now, less what the posted
        write-offs settled (the write-off entry pays the invoices in the books, it recovers nothing)."""
        res = super()._compute_recovery()
        for case in self:
            write_offs = case.sudo().write_off_ids.filtered(lambda w: w.state == "posted")
            case.amount_written_off = sum(write_offs.mapped("amount"))
            case.amount_recovered = max(0.0, case.currency_id.round(
                case.claim_principal - case.amount_outstanding - case.amount_written_off))
        return res

    def _compute_write_off_count(self):
        for case in self:
            case.write_off_count = len(case.sudo().write_off_ids)

    @api.model
    def _court_fee_estimate(self, amount, procedure="ordinary", currency=None, company=None):
        """(case, preservation, enforcement) fees of a claim, in its currency (the tables are in CNY)."""
        company = company or self.env.company
        currency = currency or company.currency_id
        cny = self.env.ref("base.CNY")
        day = fields.Date.context_today(self)
        in_cny = currency._convert(amount, cny, company, day) if currency != cny else amount
        fees = court_fees.estimate(Decimal(str(round(in_cny or 0.0, 2))), procedure or "ordinary")
        values = (float(fees.case), float(fees.preservation), float(fees.enforcement))
        return tuple(cny._convert(v, currency, company, day) if currency != cny else v for v in values)

    # === Actions: stop-loss === #
    def action_propose_stop_loss(self):
        for case in self:
            if not case.stop_loss_reason:
                raise UserError(self.env._("Say why pursuing %s further is uneconomic first.", case.name))
        self.write({"stop_loss_state": "proposed", "stop_loss_date": fields.Date.context_today(self)})
        return True

    def action_approve_stop_loss(self):
        if not self.env.is_superuser() and not self.env.user.has_group(LEGAL_MANAGER):
            raise UserError(self.env._("Only a legal manager approves a stop-loss decision."))
        for case in self:
            if case.stop_loss_state != "proposed" or not case.stop_loss_reason:
                raise UserError(self.env._("%s has no stop-loss decision to approve.", case.name))
        self.write({"stop_loss_state": "approved", "stop_loss_approved_by_id": self.env.uid})
        return True

    def action_write_off(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "collection.write.off.wizard", "view_mode": "form",
            "target": "new", "name": self.env._("Write Off"),
            "context": {"default_case_id": self.id, "default_move_ids": self.line_ids.move_id.filtered(
                lambda m: not m.currency_id.is_zero(m.amount_residual)).ids},
        }

    def action_open_write_offs(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "collection.write.off", "view_mode": "list,form",
                "domain": [("case_id", "=", self.id)], "name": self.env._("Write-offs")}

    # === Cron: cost-benefit reviews === #
    def _schedule_cost_reviews(self, today):
        """One review activity per open case and period (company setting); the next date moves one period on, so
        a rerun on the same day creates nothing twice. A case without a date gets its first one period ahead."""
        cases = self.search([("is_closed", "=", False), "|", ("review_next_date", "=", False),
                             ("review_next_date", "<=", today)])
        vals_list, next_dates = [], defaultdict(list)
        for case in cases:
            months = case.company_id.collection_case_review_months
            if not months:
                continue
            if case.review_next_date:
                vals_list.append(case._activity_vals(
                    "account_collection_litigation.mail_activity_type_case_cost_review", case.review_next_date,
                    self.env._("Cost-benefit review: expected net recovery %(amount)s",
                               amount=case.currency_id.format(case.expected_net_recovery))))
            next_date = case.review_next_date or today
            while next_date <= today:
                next_date += relativedelta(months=months)
            next_dates[next_date].append(case.id)
        for next_date, case_ids in next_dates.items():
            self.browse(case_ids).write({"review_next_date": next_date})
        self.env["collection.case.alert"]._create_activities(vals_list)


class CollectionCustomer(models.Model):
    """The court-fee estimate of a customer's overdue balance, before a case is opened."""

    _inherit = "collection.customer"

    legal_fee_estimate = fields.Monetary(
        string="Court Fees If Sued", compute="_compute_legal_fee_estimate", groups=LEGAL_USER,
        help="Case, preservation and enforcement fees of a suit over the overdue balance (ordinary procedure).")

    @api.depends("overdue_amount", "currency_id")
    def _compute_legal_fee_estimate(self):
        cases = self.env["collection.case"]
        for file in self:
            file.legal_fee_estimate = sum(cases._court_fee_estimate(
                file.overdue_amount, "ordinary", file.currency_id, file.company_id))
