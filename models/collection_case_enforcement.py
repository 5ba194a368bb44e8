from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import legal_deadlines as legal
from .collection_case_preservation import ASSET_TYPES

ENFORCEMENT_STATES = [
    ("applied", "Applied for"),
    ("in_progress", "In progress"),
    ("terminated", "Terminated without assets"),
    ("resumed", "Resumed"),
    ("concluded", "Concluded"),
]
ASSET_SOURCES = [
    ("debtor_report", "Debtor's asset report"),
    ("court_search", "Court's online search"),
    ("investigation", "Our investigation"),
    ("lead", "Lead from a third party"),
]
ASSET_STATES = [
    ("found", "Found"),
    ("seized", "Seized or frozen"),
    ("auctioned", "Auctioned"),
    ("released", "Released"),
]


class CollectionCaseEnforcement(models.Model):
    """Enforcement of a decision: the application, the debtor's assets found, auction proceeds, the payments it
    recovered, and, when no assets are found, the termination of this round with the periodic asset re-checks."""

    _name = "collection.case.enforcement"
    _description = "Enforcement"
    _inherit = ["mail.thread"]
    _order = "application_date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    partner_id = fields.Many2one(related="case_id.partner_id")
    judgment_id = fields.Many2one("collection.case.judgment", string="Decision Enforced", check_company=True,
                                  domain="[('case_id', '=', case_id)]")
    name = fields.Char(string="Enforcement Number", tracking=True)
    application_date = fields.Date(required=True, tracking=True,
                                   default=lambda self: self.env["collection.escalation"]._today())
    state = fields.Selection(ENFORCEMENT_STATES, required=True, default="applied", tracking=True)
    late_application = fields.Boolean(compute="_compute_late_application",
                                      help="Applied after the decision's enforcement deadline.")
    asset_ids = fields.One2many("collection.case.asset", "enforcement_id", string="Debtor's Assets")
    auction_proceeds = fields.Monetary(compute="_compute_amounts", store=True)
    payment_ids = fields.Many2many(
        "account.payment", "collection_case_enforcement_payment_rel", "enforcement_id", "payment_id",
        string="Recoveries", check_company=True,
        domain="[('partner_id', '=', partner_id), ('payment_type', '=', 'inbound'), ('state', '!=', 'draft')]",
        help="The payments this enforcement recovered, as booked.",
    )
    amount_recovered = fields.Monetary(compute="_compute_amounts", store=True)
    termination_date = fields.Date(string="Terminated On", tracking=True,
                                   help="The ruling that ends this round without assets (终本).")
    termination_earliest = fields.Date(compute="_compute_termination_earliest",
                                       help="A round may end without assets this long after the application.")
    last_recheck_date = fields.Date(string="Last Asset Re-check", tracking=True)
    next_recheck_date = fields.Date(string="Next Asset Re-check", compute="_compute_rechecks", store=True)
    note = fields.Text()

    # === Compute === #
    @api.depends("judgment_id.enforcement_deadline", "application_date")
    def _compute_late_application(self):
        for enforcement in self:
            deadline = enforcement.judgment_id.enforcement_deadline
            enforcement.late_application = bool(deadline and enforcement.application_date > deadline)

    @api.depends("asset_ids.auction_proceeds", "payment_ids.amount", "payment_ids.date")
    def _compute_amounts(self):
        for enforcement in self:
            enforcement.auction_proceeds = sum(enforcement.asset_ids.mapped("auction_proceeds"))
            currency, company = enforcement.currency_id, enforcement.company_id
            enforcement.amount_recovered = sum(
                payment.currency_id._convert(payment.amount, currency, company, payment.date)
                for payment in enforcement.payment_ids) if currency else 0.0

    @api.depends("application_date", "case_id.jurisdiction")
    def _compute_termination_earliest(self):
        for enforcement in self:
            rules = legal.preset(enforcement.case_id.jurisdiction or "prc")
            enforcement.termination_earliest = legal.termination_earliest(rules, enforcement.application_date)

    @api.depends("termination_date", "last_recheck_date", "state", "case_id.jurisdiction")
    def _compute_rechecks(self):
        for enforcement in self:
            rules = legal.preset(enforcement.case_id.jurisdiction or "prc")
            after = enforcement.last_recheck_date or enforcement.termination_date
            enforcement.next_recheck_date = next(
                (day for day in legal.recheck_dates(rules, enforcement.termination_date) if day > after), False
            ) if enforcement.state == "terminated" and after else False

    # === Constraints === #
    @api.constrains("termination_date", "application_date")
    def _check_termination(self):
        for enforcement in self:
            if enforcement.termination_date and enforcement.termination_date < enforcement.application_date:
                raise ValidationError(self.env._("Enforcement cannot end before it was applied for."))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        enforcements = super().create(vals_list)
        enforcements.case_id._advance_to("enforcement")
        return enforcements

    # === Actions === #
    def action_terminate(self):
        """This round ends without assets: the court re-checks the debtor's assets periodically."""
        for enforcement in self:
            if enforcement.state not in ("applied", "in_progress", "resumed"):
                raise UserError(self.env._("Only enforcement in progress can be terminated."))
        for company, enforcements in self.grouped("company_id").items():
            enforcements.write({"state": "terminated",
                                "termination_date": self.env["collection.escalation"]._today(company)})
        return True

    def action_recheck_done(self):
        """The asset re-check due is done (nothing found): the next one follows."""
        for enforcement in self.filtered("next_recheck_date"):
            enforcement.last_recheck_date = enforcement.next_recheck_date
        return True

    def action_resume(self):
        """New assets found: enforcement resumes (no time limit applies to resuming after termination)."""
        self.filtered(lambda e: e.state == "terminated").write({"state": "resumed"})
        return True


class CollectionCaseAsset(models.Model):
    """An asset of the debtor found in enforcement: what it is, where the lead came from, what it fetched."""

    _name = "collection.case.asset"
    _description = "Debtor's Asset"
    _order = "enforcement_id, id"
    _check_company_auto = True

    # === Fields === #
    enforcement_id = fields.Many2one("collection.case.enforcement", check_company=True,
                                     required=True, index=True, ondelete="cascade")
    case_id = fields.Many2one(related="enforcement_id.case_id", store=True, index=True)
    company_id = fields.Many2one(related="enforcement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="enforcement_id.currency_id")
    asset_type = fields.Selection(ASSET_TYPES, required=True, default="other")
    description = fields.Char(required=True)
    estimated_value = fields.Monetary()
    source = fields.Selection(ASSET_SOURCES, default="court_search")
    state = fields.Selection(ASSET_STATES, required=True, default="found")
    preservation_id = fields.Many2one("collection.case.preservation", string="Preserved By", check_company=True,
                                      help="The preservation measure this asset was frozen or seized by.")
    auction_date = fields.Date()
    auction_proceeds = fields.Monetary()
