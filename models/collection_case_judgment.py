from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from ..tools import legal_deadlines as legal

DECISION_KINDS = [
    ("judgment", "Judgment"),
    ("ruling", "Ruling"),
    ("mediation", "Mediation statement"),
    ("award", "Arbitral award"),
    ("payment_order", "Payment order"),
    ("enforcement_order", "Enforcement order"),
]
# What the deadlines are computed from: writing one of them may move a deadline and its activity.
DEADLINE_INPUTS = frozenset({"kind", "service_date", "debtor_service_date", "appealed", "performance_days",
                             "performance_date", "name"})
INSTANCES = [
    ("first", "First instance"),
    ("second", "Second instance"),
    ("retrial", "Retrial"),
]


class CollectionCaseJudgment(models.Model):
    """A court decision on the case and the deadlines that follow from it: appeal windows, the day it takes effect,
    the performance deadline, the last day to apply for enforcement, and late-performance interest."""

    _name = "collection.case.judgment"
    _description = "Court Decision"
    _inherit = ["mail.thread", "collection.case.deadline.source"]
    _deadline_inputs = DEADLINE_INPUTS
    _order = "date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    kind = fields.Selection(DECISION_KINDS, required=True, default="judgment", tracking=True,
                            help="A payment order is issued without a hearing (Germany: Mahnbescheid); the "
                            "enforcement order follows it when the debtor does not object (Vollstreckungsbescheid).")
    instance = fields.Selection(INSTANCES, required=True, default="first")
    name = fields.Char(string="Decision Number", tracking=True)
    date = fields.Date(string="Decision Date", tracking=True)
    awarded_principal = fields.Monetary(string="Principal Awarded", tracking=True)
    awarded_interest = fields.Monetary(string="Interest Awarded", tracking=True)
    awarded_costs = fields.Monetary(string="Costs Awarded", tracking=True)
    awarded_total = fields.Monetary(string="Total Awarded", compute="_compute_awarded_total", store=True)
    service_date = fields.Date(string="Served on Us", tracking=True)
    debtor_service_date = fields.Date(string="Served on the Debtor", tracking=True,
                                      help="Leave empty when served the same day as us.")
    appealed = fields.Boolean(string="Appealed or Objected", tracking=True,
                              help="A party appealed, or the debtor objected to a payment or enforcement order: the "
                              "decision does not take effect (after an objection to a payment order the claim goes "
                              "on as a suit).")
    performance_days = fields.Integer(string="Days to Perform",
                                      help="The decision orders payment within this many days of taking effect.")
    performance_date = fields.Date(string="Fixed Performance Date",
                                   help="When the decision orders payment by a fixed day instead.")
    # === Fields: deadlines (tools/legal_deadlines.py) === #
    appeal_deadline = fields.Date(string="Our Appeal Deadline", compute="_compute_deadlines", store=True)
    debtor_appeal_deadline = fields.Date(string="Debtor's Appeal or Objection Deadline",
                                         compute="_compute_deadlines", store=True)
    # Its own compute: a value given for it (the form sends it, being editable) protects only it, not the
    # deadlines computed with it.
    effective_date = fields.Date(compute="_compute_effective_date", store=True, readonly=False,
                                 help="The day after the last appeal window closes; at service for a final "
                                 "decision. Set it by hand when the jurisdiction preset has no appeal figures.")
    performance_due = fields.Date(string="Performance Deadline", compute="_compute_deadlines", store=True)
    enforcement_deadline = fields.Date(string="Apply for Enforcement By", compute="_compute_deadlines", store=True,
                                       help="After a payment order: apply for the enforcement order by this day.")
    deadline_explanation = fields.Text(string="How the Deadlines Are Counted",
                                       compute="_compute_deadline_explanation",
                                       help="Who must act by each date, the rule and its article, and why a date "
                                       "moved.")
    # === Fields: late performance, as of today === #
    unpaid_principal = fields.Monetary(compute="_compute_late_interest")
    late_interest = fields.Monetary(string="Late-Performance Interest", compute="_compute_late_interest")
    late_interest_explanation = fields.Text(compute="_compute_late_interest")
    note = fields.Text()

    # === Compute === #
    @api.depends("kind", "name")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for decision in self:
            decision.display_name = " ".join(filter(None, [kinds.get(decision.kind), decision.name]))

    @api.depends("awarded_principal", "awarded_interest", "awarded_costs")
    def _compute_awarded_total(self):
        for decision in self:
            decision.awarded_total = decision.awarded_principal + decision.awarded_interest + decision.awarded_costs

    @api.depends("kind", "service_date", "debtor_service_date", "appealed", "performance_days", "performance_date",
                 "case_id.procedure", "case_id.debtor_abroad", "case_id.jurisdiction")
    def _compute_deadlines(self):
        for decision, result in self._legal_results().items():
            decision.appeal_deadline = result.appeal_deadline
            decision.debtor_appeal_deadline = result.debtor_appeal_deadline
            decision.performance_due = result.performance_due
            decision.enforcement_deadline = result.enforcement_deadline

    @api.depends("kind", "service_date", "debtor_service_date", "appealed", "case_id.procedure",
                 "case_id.debtor_abroad", "case_id.jurisdiction")
    def _compute_effective_date(self):
        for decision, result in self._legal_results().items():
            decision.effective_date = result.effective_date

    @api.depends("appeal_deadline", "debtor_appeal_deadline", "effective_date", "performance_due",
                 "enforcement_deadline")
    def _compute_deadline_explanation(self):
        explain = self.env["collection.legal.explanation"]
        for decision, result in self._legal_results().items():
            rules = legal.preset(decision.case_id.jurisdiction or "prc")
            decision.deadline_explanation = "\n".join(explain._explain(d, rules) for d in result.deadlines) or False

    def _legal_results(self):
        """{decision: tools.legal_deadlines.Judgment} on the company's working-day calendar."""
        calendars = self.company_id._collection_working_days()
        results = {}
        for decision in self:
            case = decision.case_id
            try:
                results[decision] = legal.judgment(
                    legal.preset(case.jurisdiction or "prc"), decision.service_date or None,
                    decision.debtor_service_date or None, kind=decision.kind, procedure=case.procedure,
                    debtor_abroad=case.debtor_abroad, performance_days=decision.performance_days,
                    performance_due=decision.performance_date or None, appealed=decision.appealed,
                    off_days=calendars.get(decision.company_id.id, legal.NO_OFF_DAYS),
                )
            except legal.LegalDeadlineError:
                results[decision] = legal.Judgment(None, None, None, decision.performance_date or None, None)
        return results

    @api.depends("awarded_principal", "performance_due", "case_id.line_ids.amount_residual")
    def _compute_late_interest(self):
        """Unpaid principal × the preset's daily rate × the days since the performance deadline; payments on the
        claimed invoices after the deadline reduce the base from their day."""
        escalation = self.env["collection.escalation"]
        payments = self.case_id.line_ids.move_id._collection_payment_movements()
        for decision in self:
            rules = legal.preset(decision.case_id.jurisdiction or "prc")
            moves = decision.case_id.line_ids.move_id
            # Paid since the decision: what was paid before it is already out of the award.
            since = decision.date or decision.performance_due
            paid = [(day, Decimal(str(amount))) for move in moves for day, amount in payments.get(move.id, [])
                    if since and day > since]
            decision.unpaid_principal = max(0.0, decision.awarded_principal - float(sum(a for _d, a in paid)))
            if not decision.performance_due or rules.late_performance_daily_percent is None:
                decision.late_interest = 0.0
                decision.late_interest_explanation = False
                continue
            amount, lines = legal.late_performance_interest(
                rules, Decimal(str(decision.awarded_principal)), decision.performance_due,
                escalation._today(decision.company_id), paid,
                digits=decision.currency_id.decimal_places)
            decision.late_interest = float(amount)
            decision.late_interest_explanation = "\n".join(
                self.env._("%(start)s to %(end)s: %(days)s days × %(base)s × %(rate)s %% = %(amount)s",
                           start=line.date_from, end=line.date_to, days=line.days,
                           base=decision.currency_id.format(float(line.base)),
                           rate=rules.late_performance_daily_percent,
                           amount=decision.currency_id.format(float(line.amount)))
                for line in lines) or False

    # === Constraints === #
    @api.constrains("date", "case_id")
    def _check_after_filing(self):
        for decision in self:
            filed = decision.case_id.filing_date
            if filed and decision.date and decision.date < filed:
                raise ValidationError(self.env._(
                    "A decision of %(day)s cannot come before the case was filed on %(filed)s.",
                    day=format_date(self.env, decision.date), filed=format_date(self.env, filed)))

    @api.constrains("awarded_principal", "awarded_interest", "awarded_costs", "performance_days")
    def _check_not_negative(self):
        for decision in self:
            if min(decision.awarded_principal, decision.awarded_interest, decision.awarded_costs) < 0:
                raise ValidationError(self.env._("An amount awarded cannot be negative (%(decision)s).",
                                                 decision=decision.display_name))
            if decision.performance_days < 0:
                raise ValidationError(self.env._("The days to perform cannot be negative (%(decision)s).",
                                                 decision=decision.display_name))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        decisions = super().create(vals_list)
        decisions.case_id._advance_to("judgment")
        return decisions

