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
    _inherit = ["mail.thread", "collection.case.deadline.source"]
    _deadline_inputs = frozenset({"state", "termination_date", "last_recheck_date", "name"})
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
    # === Fields: termination without assets (终本), Termination Provisions arts. 1, 9 === #
    notice_served = fields.Boolean(string="Notice and Asset-report Order Served", tracking=True,
                                   help="The enforcement notice and the order to report assets were served.")
    searches_exhausted = fields.Boolean(string="Asset Searches Exhausted", tracking=True,
                                        help="Online and on-site searches found no property to enforce.")
    consumption_ban_applied = fields.Boolean(compute="_compute_termination_checklist",
                                             help="A consumption ban on the debtor is recorded on the case.")
    dishonest_listing_applied = fields.Boolean(compute="_compute_termination_checklist",
                                               help="A dishonest-debtor listing is recorded on the case.")
    termination_missing = fields.Char(string="Missing for Termination", compute="_compute_termination_checklist")
    termination_ruling_number = fields.Char(tracking=True)
    termination_ruling = fields.Binary(attachment=True, copy=False,
                                       help="The termination ruling: kept as evidence on the case (bad-debt proof).")
    termination_ruling_filename = fields.Char()
    search_ids = fields.One2many("collection.case.asset.search", "enforcement_id", string="Asset Re-search Diary")
    # === Fields: the claim enforced, with late-performance interest as of today === #
    late_interest = fields.Monetary(related="judgment_id.late_interest", string="Late-Performance Interest")
    late_interest_explanation = fields.Text(related="judgment_id.late_interest_explanation")
    amount_enforced = fields.Monetary(
        string="Claim Enforced", compute="_compute_amount_enforced",
        help="The decision's total award plus the late-performance interest (0.0175 %/day on the unpaid principal "
        "after the performance period, PRC) as of today.")
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

    @api.depends("case_id.restriction_ids.kind", "case_id.restriction_ids.state", "notice_served",
                 "searches_exhausted", "termination_earliest")
    def _compute_termination_checklist(self):
        for enforcement in self:
            restrictions = enforcement.case_id.restriction_ids.filtered(lambda r: r.state != "removed")
            enforcement.consumption_ban_applied = "consumption_ban" in restrictions.mapped("kind")
            enforcement.dishonest_listing_applied = "dishonest" in restrictions.mapped("kind")
            enforcement.termination_missing = ", ".join(enforcement._termination_missing()) or False

    @api.depends("judgment_id.awarded_total", "late_interest")
    def _compute_amount_enforced(self):
        for enforcement in self:
            enforcement.amount_enforced = enforcement.judgment_id.awarded_total + enforcement.late_interest

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
        """This round ends without assets (终本) once its prerequisites are met: the ruling goes to the case's
        evidence, and the court's asset re-searches are planned as a diary, every 6 months for 5 years."""
        for enforcement in self:
            if enforcement.state not in ("applied", "in_progress", "resumed"):
                raise UserError(self.env._("Only enforcement in progress can be terminated."))
            if missing := enforcement._termination_missing():
                raise UserError(self.env._("%(name)s cannot be terminated without assets yet: %(missing)s.",
                                           name=enforcement.display_name, missing=", ".join(missing)))
        escalation = self.env["collection.escalation"]
        for enforcement in self:
            day = enforcement.termination_date or escalation._today(enforcement.company_id)
            enforcement.write({"state": "terminated", "termination_date": day})
            enforcement._plan_rechecks()
            enforcement._file_termination_ruling()
        return True

    def action_recheck_done(self):
        """The asset re-check due is done (nothing found): the diary entry is closed, the next one follows."""
        today = self.env["collection.escalation"]._today(self.company_id[:1])
        for enforcement in self.filtered("next_recheck_date"):
            enforcement.search_ids.filtered(
                lambda s, day=enforcement.next_recheck_date: s.date_planned == day and not s.date_done
            ).write({"date_done": today})
            enforcement.last_recheck_date = enforcement.next_recheck_date
        return True

    def action_resume(self):
        """New assets found: enforcement resumes (no time limit applies to resuming after termination)."""
        self.filtered(lambda e: e.state == "terminated").write({"state": "resumed"})
        return True

    # === Business: termination without assets === #
    def _termination_missing(self):
        """The prerequisites of a termination without assets not met yet (Termination Provisions art. 1)."""
        self.ensure_one()
        missing = []
        if not self.notice_served:
            missing.append(self.env._("the enforcement notice and asset-report order are not served"))
        if not self.consumption_ban_applied:
            missing.append(self.env._("no consumption ban is recorded"))
        if not self.dishonest_listing_applied:
            missing.append(self.env._("no dishonest-debtor listing is recorded"))
        if not self.searches_exhausted:
            missing.append(self.env._("the asset searches are not exhausted"))
        today = self.env["collection.escalation"]._today(self.company_id)
        if self.termination_earliest and (self.termination_date or today) < self.termination_earliest:
            missing.append(self.env._("not before %(day)s (3 months after the application)",
                                      day=self.termination_earliest))
        return missing

    def _plan_rechecks(self):
        self.ensure_one()
        rules = legal.preset(self.case_id.jurisdiction or "prc")
        planned = set(self.search_ids.mapped("date_planned"))
        self.env["collection.case.asset.search"].create([
            {"enforcement_id": self.id, "date_planned": day}
            for day in legal.recheck_dates(rules, self.termination_date) if day not in planned])

    def _file_termination_ruling(self):
        """The ruling, when attached, becomes an evidence item of the case (proof for a bad-debt deduction)."""
        self.ensure_one()
        if not self.termination_ruling:
            return
        name = self.env._("Termination ruling %(number)s", number=self.termination_ruling_number or "")
        evidence = self.env["collection.case.evidence"].create({
            "case_id": self.case_id.id, "name": name.strip(), "category": "other", "required": False,
        })
        self.env["collection.case.evidence.file"].create({
            "evidence_id": evidence.id, "name": self.termination_ruling_filename or f"{name.strip()}.pdf",
            "datas": self.termination_ruling,
        })


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
