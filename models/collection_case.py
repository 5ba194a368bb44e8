import base64
import csv
import io
import mimetypes
from collections import defaultdict
from datetime import date
from decimal import Decimal
from urllib.parse import quote as url_quote

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.mimetypes import guess_mimetype

from ..tools import court_fees, evidence_pack
from .collection_approval_mixin import APPROVAL_TRANSITION
from .collection_evidence_template import CASE_TYPES

STOP_LOSS_STATES = [
    ("none", "None"),
    ("proposed", "Proposed"),
    ("approved", "Approved"),
]
# The stop-loss decision changes only through its buttons (the approval's context key): four eyes hold on every door.
STOP_LOSS_DECISION = ("stop_loss_state", "stop_loss_proposed_by_id", "stop_loss_approved_by_id", "stop_loss_date")

JURISDICTIONS = [
    ("prc", "China (PRC)"),
    ("de", "Germany"),
    ("uk", "United Kingdom (England and Wales)"),
    ("us_ucc", "United States (UCC, sale of goods)"),
    ("eu", "European Union (interest only: limitation under national law)"),
]
PROCEDURES = [
    ("small_claims", "Small claims"),
    ("simplified", "Simplified procedure"),
    ("ordinary", "Ordinary procedure"),
    ("arbitration", "Arbitration"),
    ("payment_order", "Payment order"),
]
FEE_BASES = [
    ("fixed", "Fixed fee"),
    ("contingency", "Contingency share"),
    ("hourly", "Hourly"),
]
REPORT_UNITS = [
    ("weeks", "Weeks"),
    ("months", "Months"),
]
LEGAL_USER = "account_collection_litigation.group_litigation_user"
LEGAL_MANAGER = "account_collection_litigation.group_litigation_manager"

# The case list's "Limitation Within 90 Days" filter.
LIMITATION_SOON_DAYS = 90


class CollectionCase(models.Model):
    """A lawsuit (or arbitration, or payment order) to recover unpaid invoices of one debtor.

    Its invoices are paused for litigation while it is open (the engine's one pause mechanism); its deadlines are
    computed by tools/legal_deadlines.py over the case's jurisdiction preset and turned into activities by a daily
    cron. The money side (costs, settlement, write-off) builds on the claim fields below."""

    _name = "collection.case"
    _description = "Legal Case"
    _inherit = ["mail.thread", "mail.activity.mixin", "mail.tracking.duration.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _track_duration_field = "stage_id"

    # === Defaults === #
    def _default_stage_id(self):
        return self.env["collection.case.stage"].search([("kind", "=", "preparation")], limit=1)

    def _default_jurisdiction(self):
        return self.env.company.collection_jurisdiction or "prc"

    # === Fields: identity === #
    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, index="trigram",
                       default=lambda self: self.env._("New"))
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency", required=True, tracking=True,
        default=lambda self: self.env.company.currency_id,
        help="The currency of the claim: every claimed invoice is in it.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, index=True, tracking=True, check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    case_type = fields.Selection(CASE_TYPES, required=True, default="sale_of_goods",
                                 help="Gives the evidence checklist of a new case.")
    stage_id = fields.Many2one(
        "collection.case.stage", required=True, index=True, tracking=True, copy=False,
        ondelete="restrict", default=lambda self: self._default_stage_id(), group_expand="_read_group_expand_full",
        domain="['|', ('company_id', '=', False), ('company_id', 'parent_of', company_id)]",
    )
    stage_kind = fields.Selection(related="stage_id.kind", store=True)
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True)
    close_result = fields.Selection(related="stage_id.close_result", store=True)
    closed_on = fields.Date(readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Responsible", index=True, tracking=True, default=lambda self: self.env.user,
        domain=lambda self: [("groups_id", "in", self.env.ref(LEGAL_USER).id)],
    )
    description = fields.Html(string="Notes", groups=LEGAL_USER)

    # === Fields: lawyer and engagement === #
    lawyer_id = fields.Many2one("res.partner", string="Outside Lawyer", tracking=True, check_company=True,
                                domain="[('collection_is_lawyer', '=', True)]")
    law_firm_id = fields.Many2one("res.partner", tracking=True, check_company=True,
                                  domain="[('collection_is_law_firm', '=', True)]")
    engagement_date = fields.Date(groups=LEGAL_USER, tracking=True)
    engagement_scope = fields.Text(groups=LEGAL_USER, help="What the lawyer is engaged to do, and what not.")
    fee_basis = fields.Selection(FEE_BASES, groups=LEGAL_USER, tracking=True)
    fee_amount = fields.Monetary(string="Fixed Fee", groups=LEGAL_USER)
    fee_share = fields.Float(string="Contingency Share (%)", groups=LEGAL_USER, digits=(5, 2))
    fee_hourly_rate = fields.Monetary(string="Hourly Rate", groups=LEGAL_USER)
    report_interval = fields.Integer(string="Progress Report Every", groups=LEGAL_USER,
                                     help="The lawyer reports this often; 0: no regular report.")
    report_unit = fields.Selection(REPORT_UNITS, groups=LEGAL_USER, default="months")
    report_next_date = fields.Date(
        string="Next Progress Report", groups=LEGAL_USER, compute="_compute_report_next_date", store=True,
        readonly=False, help="The daily run schedules an activity for it, then moves it one period on.",
    )

    # === Fields: court === #
    debtor_representative_id = fields.Many2one(
        "res.partner", string="Debtor's Legal Representative", tracking=True, check_company=True,
        domain="[('parent_id', '=', partner_id)]",
        help="The debtor's legal representative (法定代表人): named in court documents, bound by a consumption ban.")
    creditor_representative_id = fields.Many2one(
        "res.partner", string="Our Legal Representative", tracking=True, check_company=True,
        help="The company's legal representative, named in court documents.")
    court_id = fields.Many2one("res.partner", tracking=True, check_company=True,
                               domain="[('collection_is_court', '=', True)]")
    court_case_number = fields.Char(tracking=True, copy=False)
    procedure = fields.Selection(PROCEDURES, required=True, default="ordinary", tracking=True)
    jurisdiction = fields.Selection(
        JURISDICTIONS, required=True, tracking=True, default=lambda self: self._default_jurisdiction(),
        help="The preset of legal periods the deadlines of this case are computed with.",
    )
    debtor_abroad = fields.Boolean(string="Debtor Has No Domicile Here",
                                   help="Longer appeal window for the debtor (PRC: 30 days instead of 15).")
    filing_date = fields.Date(tracking=True, copy=False)

    # === Fields: claim === #
    line_ids = fields.One2many("collection.case.line", "case_id", string="Claimed Invoices", copy=False)
    move_ids = fields.Many2many("account.move", compute="_compute_move_ids", string="Invoices")
    interest_date = fields.Date(string="Interest As Of", tracking=True,
                                default=lambda self: self.env["collection.escalation"]._today(),
                                help="The claim's interest and compensation are computed up to this day.")
    claim_principal = fields.Monetary(string="Principal", compute="_compute_claim", store=True, tracking=True)
    claim_interest = fields.Monetary(string="Interest", compute="_compute_claim", store=True)
    claim_compensation = fields.Monetary(string="Compensation", compute="_compute_claim", store=True)
    claim_penalty = fields.Monetary(string="Contract Penalty", tracking=True)
    claim_fees = fields.Monetary(string="Lawyer Fees Claimed", tracking=True)
    claim_costs = fields.Monetary(string="Costs Claimed", tracking=True,
                                  help="Court, preservation and other costs claimed.")
    claim_total = fields.Monetary(string="Total Claim", compute="_compute_claim", store=True, tracking=True)
    interest_explanation = fields.Text(string="How the Interest Is Computed", readonly=True, copy=False)
    amount_outstanding = fields.Monetary(string="Outstanding", compute="_compute_recovery",
                                         help="What the claimed invoices still owe today.")
    amount_recovered = fields.Monetary(string="Recovered", compute="_compute_recovery",
                                       help="Principal at filing less what the claimed invoices still owe.")

    # === Fields: evidence === #
    evidence_ids = fields.One2many("collection.case.evidence", "case_id", groups=LEGAL_USER)
    evidence_required_count = fields.Integer(compute="_compute_evidence", store=True)
    evidence_missing_count = fields.Integer(compute="_compute_evidence", store=True)
    evidence_progress = fields.Float(string="Evidence Provided (%)", compute="_compute_evidence", store=True)
    evidence_complete = fields.Boolean(compute="_compute_evidence", store=True)
    evidence_override_reason = fields.Text(
        string="Filed Without Complete Evidence Because", groups=LEGAL_MANAGER, tracking=True, copy=False,
        help="A legal manager lets the case be filed while required evidence is missing, and says why.",
    )
    evidence_override_user_id = fields.Many2one("res.users", string="Override By", readonly=True, copy=False,
                                                groups=LEGAL_MANAGER)

    # === Fields: limitation, deadlines and steps === #
    interruption_ids = fields.One2many("collection.case.interruption", "case_id", string="Limitation Events",
                                       groups=LEGAL_USER)
    limitation_deadline = fields.Date(compute="_compute_limitation", store=True,
                                      help="The earliest limitation deadline among the claimed invoices.")
    limitation_revivable = fields.Boolean(
        string="Revivable After Limitation", compute="_compute_limitation", store=True,
        help="An invoice's limitation had run out, but the debtor then acknowledged or paid: it can no longer "
        "plead limitation (PRC: Civil Code art. 192).")
    limitation_unproven = fields.Boolean(compute="_compute_limitation", store=True,
                                         help="An event that would interrupt the limitation has no proof yet.")
    limitation_passed = fields.Boolean(compute="_compute_limitation_days", search="_search_limitation_passed",
                                       help="The limitation deadline is before today, on the company's clock.")
    limitation_soon = fields.Boolean(string="Limitation Within 90 Days", compute="_compute_limitation_days",
                                     search="_search_limitation_soon")
    deadline_ids = fields.One2many("collection.case.deadline", "case_id", string="Deadlines", groups=LEGAL_USER)
    next_deadline_date = fields.Date(compute="_compute_next_deadline")
    next_deadline_name = fields.Char(compute="_compute_next_deadline")
    preservation_ids = fields.One2many("collection.case.preservation", "case_id", groups=LEGAL_USER)
    hearing_ids = fields.One2many("collection.case.hearing", "case_id", groups=LEGAL_USER)
    next_hearing_date = fields.Datetime(compute="_compute_next_hearing_date", store=True)
    judgment_ids = fields.One2many("collection.case.judgment", "case_id", string="Decisions", groups=LEGAL_USER)
    enforcement_ids = fields.One2many("collection.case.enforcement", "case_id", groups=LEGAL_USER)
    restriction_ids = fields.One2many("collection.case.restriction", "case_id", string="Listings and Bans",
                                      groups=LEGAL_USER)
    small_claims_hint = fields.Char(string="Small Claims", compute="_compute_small_claims_hint", groups=LEGAL_USER,
                                    help="Whether the claim falls under the small-claims procedure of the court's "
                                    "province (CPL 2023 rev. art. 165), and what it does to fees and appeal.")
    pause_id = fields.Many2one("collection.pause", check_company=True,
                               string="Litigation Pause", readonly=True, copy=False)
    document_count = fields.Integer(string="Court Documents", compute="_compute_document_count",
                                    groups=LEGAL_USER)

    _sql_constraints = [
        ("fee_share_range", "CHECK(fee_share >= 0 AND fee_share <= 100)",
         "A contingency share is between 0 and 100 %."),
        ("report_interval_positive", "CHECK(report_interval >= 0)", "A reporting interval cannot be negative."),
        ("expected_recovery_rate_range", "CHECK(expected_recovery_rate >= 0 AND expected_recovery_rate <= 100)",
         "An expected recovery rate is between 0 and 100 %."),
    ]

    # === Compute === #
    @api.depends("name", "partner_id.name")
    def _compute_display_name(self):
        for case in self:
            case.display_name = f"{case.name} · {case.partner_id.name}" if case.partner_id else case.name

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for case in self:
            case.move_ids = case.line_ids.move_id

    @api.depends("line_ids.amount_claimed", "line_ids.interest_amount", "line_ids.compensation_amount",
                 "claim_penalty", "claim_fees", "claim_costs")
    def _compute_claim(self):
        for case in self:
            case.claim_principal = sum(case.line_ids.mapped("amount_claimed"))
            case.claim_interest = sum(case.line_ids.mapped("interest_amount"))
            case.claim_compensation = sum(case.line_ids.mapped("compensation_amount"))
            case.claim_total = (case.claim_principal + case.claim_interest + case.claim_compensation
                                + case.claim_penalty + case.claim_fees + case.claim_costs)

    @api.depends("evidence_ids.required", "evidence_ids.provided")
    def _compute_evidence(self):
        for case in self:
            required = case.sudo().evidence_ids.filtered("required")
            missing = required.filtered(lambda item: not item.provided)
            case.evidence_required_count = len(required)
            case.evidence_missing_count = len(missing)
            case.evidence_complete = not missing
            case.evidence_progress = 100.0 * (len(required) - len(missing)) / len(required) if required else 100.0

    @api.depends("line_ids.limitation_deadline", "line_ids.limitation_unproven", "line_ids.limitation_revived")
    def _compute_limitation(self):
        for case in self:
            deadlines = [d for d in case.line_ids.mapped("limitation_deadline") if d]
            case.limitation_deadline = min(deadlines) if deadlines else False
            case.limitation_unproven = any(case.line_ids.mapped("limitation_unproven"))
            case.limitation_revivable = any(case.line_ids.mapped("limitation_revived"))

    @api.depends("limitation_deadline", "company_id")
    def _compute_limitation_days(self):
        escalation = self.env["collection.escalation"]
        for case in self:
            today = escalation._today(case.company_id)
            deadline = case.limitation_deadline
            case.limitation_passed = bool(deadline) and deadline < today
            case.limitation_soon = bool(deadline) and (deadline - today).days <= LIMITATION_SOON_DAYS

    def _search_limitation_passed(self, operator, value):
        return self.env["collection.escalation"]._company_day_search("limitation_deadline", "<", operator, value)

    def _search_limitation_soon(self, operator, value):
        return self.env["collection.escalation"]._company_day_search(
            "limitation_deadline", "<=", operator, value, days_ago=-LIMITATION_SOON_DAYS)

    def _compute_next_deadline(self):
        rows = self.env["collection.case.deadline"].sudo().search_read(
            [("case_id", "in", self.ids), ("is_passed", "=", False)], ["case_id", "date", "kind", "name"],
            order="date, id",
        )
        kinds = dict(self.env["collection.case.deadline"]._fields["kind"]._description_selection(self.env))
        first = {}
        for row in rows:
            first.setdefault(row["case_id"][0], row)
        for case in self:
            row = first.get(case.id)
            case.next_deadline_date = row["date"] if row else False
            case.next_deadline_name = f"{kinds.get(row['kind'])}: {row['name']}" if row else False

    @api.depends("claim_total", "currency_id", "court_id.state_id", "partner_id.state_id", "filing_date",
                 "jurisdiction")
    def _compute_small_claims_hint(self):
        thresholds = self.env["collection.small.claims.threshold"].sudo()
        escalation = self.env["collection.escalation"]
        for case in self:
            day = case.filing_date or escalation._today(case.company_id)
            province = case.court_id.state_id or case.partner_id.state_id
            row = thresholds._threshold_for(province, day.year) if case.jurisdiction == "prc" else thresholds
            if not row:
                case.small_claims_hint = False
                continue
            claim = case._court_fee_estimate(case.claim_total, "small_claims", case.currency_id, case.company_id,
                                             day)["amount"]
            if claim <= row.threshold:
                case.small_claims_hint = self.env._(
                    "Small claims: %(claim)s is within %(province)s's %(year)s threshold of %(threshold)s: one trial, "
                    "no appeal, case fee halved [%(origin)s]", claim=claim, province=row.state_id.name,
                    year=row.year, threshold=row.threshold, origin=row.source)
            elif claim <= 4 * row.threshold:
                case.small_claims_hint = self.env._(
                    "Small claims by agreement: %(claim)s is within 200 %% of %(province)s's average wage "
                    "(%(ceiling)s): if both parties agree, one trial, no appeal, case fee halved [%(origin)s]",
                    claim=claim, province=row.state_id.name, ceiling=4 * row.threshold, origin=row.source)
            else:
                case.small_claims_hint = False

    def _compute_document_count(self):
        counts = dict(self.env["collection.letter"]._read_group(
            [("case_id", "in", self.ids)], ["case_id"], ["__count"]))
        for case in self:
            case.document_count = counts.get(case, 0)

    @api.depends("hearing_ids.date", "hearing_ids.state")
    def _compute_next_hearing_date(self):
        now = fields.Datetime.now()
        for case in self:
            planned = [h.date for h in case.sudo().hearing_ids if h.state == "planned" and h.date >= now]
            case.next_hearing_date = min(planned) if planned else False

    @api.depends("engagement_date", "report_interval", "report_unit")
    def _compute_report_next_date(self):
        for case in self:
            if not case.report_interval:
                case.report_next_date = False
                continue
            start = case.engagement_date or self.env["collection.escalation"]._today(case.company_id)
            case.report_next_date = start + case._report_step()

    # === Constraints === #
    @api.constrains("line_ids", "currency_id", "partner_id")
    def _check_claimed_invoices(self):
        self.line_ids._check_invoice()

    @api.constrains("claim_penalty", "claim_fees", "claim_costs")
    def _check_claim_not_negative(self):
        for case in self:
            if min(case.claim_penalty, case.claim_fees, case.claim_costs) < 0:
                raise ValidationError(self.env._(
                    "A penalty, fees or costs claimed cannot be negative (%(case)s).", case=case.name))

    @api.constrains("filing_date")
    def _check_filing_before_court_events(self):
        for case in self.filtered("filing_date").sudo():
            days = [*case.judgment_ids.filtered("date").mapped("date"), *(
                fields.Datetime.context_timestamp(case, hearing.date).date() for hearing in case.hearing_ids)]
            if days and min(days) < case.filing_date:
                raise ValidationError(self.env._(
                    "The case %(case)s cannot be filed on %(filed)s: it has a hearing or a decision before that day.",
                    case=case.name, filed=fields.Date.to_string(case.filing_date)))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        partners = self.env["res.partner"].browse([vals["partner_id"] for vals in vals_list if vals.get("partner_id")])
        templates = self.env["collection.evidence.template"].sudo()
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            if vals.get("partner_id"):
                vals["partner_id"] = partners.browse(vals["partner_id"]).commercial_partner_id.id
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("collection.case") \
                    or self.env._("New")
            if "evidence_ids" not in vals:
                template = templates._for_case_type(vals.get("case_type") or "sale_of_goods", company)
                # The checklist is the company's team's: in its language, whoever opens the case.
                vals["evidence_ids"] = template.with_context(
                    lang=company.partner_id.lang or self.env.lang)._evidence_commands() if template else []
            self._check_stop_loss_write({name for name in STOP_LOSS_DECISION
                                         if vals.get(name) and vals.get(name) != "none"})
        return super().create(vals_list)

    def write(self, vals):
        self._check_stop_loss_write(set(STOP_LOSS_DECISION) & set(vals))
        was_closed = {case.id: case.is_closed for case in self}
        if vals.get("stage_id") and not self.env["collection.case.stage"].browse(vals["stage_id"]).is_closed:
            reopened = self.filtered("is_closed").line_ids
            self.env["collection.case.line"]._ensure_moves_free(reopened.move_id.ids, exclude_ids=reopened.ids)
        if vals.get("evidence_override_reason"):
            vals["evidence_override_user_id"] = self.env.uid
        res = super().write(vals)
        if "stage_id" in vals:
            closing = self.filtered(lambda c: c.is_closed and not was_closed[c.id])
            reopening = self.filtered(lambda c: not c.is_closed and was_closed[c.id])
            for company, cases in closing.grouped("company_id").items():
                super(CollectionCase, cases).write({"closed_on": self.env["collection.escalation"]._today(company)})
            if reopening:
                super(CollectionCase, reopening).write({"closed_on": False})
        if "stage_id" in vals:
            self._sync_litigation_pause()
        if {"procedure", "jurisdiction", "debtor_abroad"} & set(vals):
            # the preset moves the deadlines of every record of the case, and their activities with them
            cases = self.sudo()
            alerts = self.env["collection.case.alert"]
            for sources in (cases.judgment_ids, cases.preservation_ids, cases.hearing_ids, cases.enforcement_ids,
                            cases.restriction_ids):
                alerts._raise_computed(sources)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        self.env["collection.retention"]._check_case_history(self)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_filed(self):
        if filed := self.filtered("filing_date"):
            raise UserError(self.env._(
                "A filed case is part of the record: close it instead of deleting it (%(cases)s).",
                cases=", ".join(filed.mapped("name")),
            ))

    def unlink(self):
        pauses = self.pause_id.filtered(lambda p: p.state == "active")
        res = super().unlink()
        if pauses:
            pauses.sudo().action_resume()
        return res

    # === Actions === #
    def action_refresh_claim(self):
        """Take the claim again from the invoices: what they still owe, and interest as of the chosen day."""
        if filed := self.filtered("filing_date"):
            raise UserError(self.env._("The claim of %(cases)s was fixed when it was filed.",
                                       cases=", ".join(filed.mapped("name"))))
        self._refresh_claim()
        return True

    def action_file(self):
        """File the case: the claim is fixed, the limitation of its invoices stops while the suit is pending."""
        for case in self:
            if error := case._filing_error_message():
                raise UserError(error)
        escalation = self.env["collection.escalation"]
        for case in self:
            case._refresh_claim(as_of=case.interest_date or case.filing_date or escalation._today(case.company_id))
            case.write(case._prepare_filing_vals())
        self._action_file()
        return True

    def action_open_evidence_pack(self):
        self.ensure_one()
        pack = self._generate_evidence_pack()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{pack._name}/{pack.id}/data/{url_quote(pack.filename)}?download=true",
            "target": "self",
        }

    def action_add_history_evidence(self):
        """Offer the collection history of the debtor as evidence: an extract, hashed, under correspondence; and the
        photos of the visits made to it, each with when and where the collector checked in (once each)."""
        self.ensure_one()
        self.check_access("write")
        history = self.env["collection.history"].search(
            [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)], order="date, id")
        if not history:
            raise UserError(self.env._("There is no collection history for %s.", self.partner_id.name))
        item = self._evidence_item("correspondence", self.env._("Collection history"))
        today = self.env["collection.escalation"]._today(self.company_id)
        known = self._evidence_sources()
        visits = self.env["collection.visit"].search([
            ("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("state", "=", "done"), ("photo", "!=", False)], order="check_in_date, id").filtered(
            lambda visit: visit not in known)
        vals_list = [{
            "evidence_id": item.id,
            "name": f"{self.env._('collection-history')}-{today}.csv",
            "datas": base64.b64encode(self._history_csv(history)),
            "source_ref": f"collection.customer,{history[0].customer_id.id}" if history[0].customer_id else False,
            "note": self.env._("%(count)s entries of the collection history", count=len(history)),
        }]
        for visit in visits.with_context(bin_size=False):
            extension = mimetypes.guess_extension(guess_mimetype(base64.b64decode(visit.photo))) or ""
            vals_list.append({
                "evidence_id": item.id,
                "name": f"{self.env._('visit')}-{visit.check_in_date.date()}-{visit.id}{extension}",
                "datas": visit.photo,
                "source_ref": f"collection.visit,{visit.id}",
                "note": self.env._("Photo of the visit by %(collector)s, checked in %(when)s (UTC): %(where)s",
                                   collector=visit.user_id.name, when=fields.Datetime.to_string(visit.check_in_date),
                                   where=visit.position_note),
            })
        self.env["collection.case.evidence.file"].create(vals_list)
        return True

    def action_add_letter_evidence(self):
        """Offer the letters of the letters engine as evidence: each letter sent about the claimed invoices, with
        its proof of delivery and the debtor's signed reply, fingerprinted; a delivered lawyer letter moves the
        case to its stage. A letter already in the evidence is not added twice."""
        self.ensure_one()
        self.check_access("write")
        letters = self.env["collection.letter"].sudo().search([
            ("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("state", "in", ["sent", "delivered", "returned"]), ("line_ids.move_id", "in", self.line_ids.move_id.ids),
        ], order="date, id")
        known = self._evidence_sources()
        letters = letters.filtered(lambda letter: letter not in known)
        if not letters:
            raise UserError(self.env._("No letter about these invoices left to add to the evidence."))
        vals_list = []
        for letter in letters.with_context(bin_size=False):
            acknowledgement = letter.limitation_event_ids.filtered(lambda e: e.event_type == "acknowledgement")
            demand_item = self._evidence_item("demand" if letter.state == "delivered" and letter.proof_file
                                              else "correspondence", self.env._("Correspondence"))
            files = [(demand_item, letter.pdf_filename or letter.document_filename, letter.pdf_file
                      or letter.document_file), (demand_item, letter.proof_filename, letter.proof_file)]
            if acknowledgement:
                files.append((self._evidence_item("balance_confirmation", self.env._("Balance confirmations")),
                              letter.reply_filename, letter.reply_file))
            vals_list += [{"evidence_id": item.id, "name": name or letter.name, "datas": data,
                           "source_ref": f"collection.letter,{letter.id}", "note": letter.name}
                          for item, name, data in files if data]
        self.env["collection.case.evidence.file"].create(vals_list)
        if letters.filtered(lambda letter: letter.kind == "lawyer" and letter.limitation_event_ids):
            self._advance_to("lawyer_letter")
        return True

    def action_draft_court_document(self):
        """Statement of claim, preservation or enforcement application, evidence index: in a small wizard."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_court_document_wizard_action")
        action["context"] = {"active_model": self._name, "active_id": self.id, "active_ids": self.ids}
        return action

    def action_open_court_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_collection_litigation.collection_letter_action")
        action.update(name=self.env._("Court Documents"), domain=[("case_id", "=", self.id)],
                      context={"create": False})
        return action

    def action_open_deadlines(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_case_deadline_action")
        action["domain"] = [("case_id", "in", self.ids)]
        # a case's few deadlines read best as a list; the calendar is for all cases
        action["views"] = sorted(action["views"], key=lambda view: view[1] != "list")
        return action

    def action_open_pause(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "collection.pause", "res_id": self.pause_id.id,
                "view_mode": "form", "name": self.env._("Litigation Pause")}

    # === Cron === #
    @api.model
    def _cron_legal_deadlines(self, batch_size=500):
        """Turn deadlines into activities before they pass: one activity per deadline and alert threshold, ever.

        Each call does one batch; an alert is remembered by its key (deadline kind, record, date, threshold), so a
        rerun, or a run resumed after a crash, creates nothing twice. Also schedules the lawyers' progress reports."""
        escalation = self.env["collection.escalation"]
        alerts = self.env["collection.case.alert"].sudo()
        candidates = []
        for company in self.env["res.company"].sudo().search([], limit=None):   # each on its own day
            today = escalation._today(company)
            self.sudo().with_company(company)._schedule_progress_reports(today)
            candidates += alerts.with_company(company)._pending_alerts(today)
        candidates.sort(key=lambda c: (c["deadline"], c["key"]))
        batch = candidates[:batch_size]
        self.env["collection.batch.runner"]._run(
            batch, alerts._raise_alerts, "account_collection_litigation.ir_cron_collection_case_deadlines",
            thread_of=lambda candidate: candidate.get("case") or candidate.get("file"),
        )
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(candidates) - len(batch))
        return len(batch)

    # === Business: filing === #
    def _filing_error_message(self):
        self.ensure_one()
        if self.filing_date and self.stage_kind not in ("preparation", "lawyer_letter", "preservation"):
            return self.env._("%s is filed already.", self.name)
        if self.is_closed:
            return self.env._("%s is closed.", self.name)
        if not self.line_ids:
            return self.env._("%s claims no invoice: add the invoices it claims first.", self.name)
        missing = self.sudo().evidence_ids.filtered(lambda item: item.required and not item.provided)
        if missing and not self.sudo().evidence_override_reason:
            return self.env._(
                "%(case)s cannot be filed: required evidence is missing (%(items)s). Provide it, or ask a legal "
                "manager to record why the case is filed without it.",
                case=self.name, items=", ".join(missing.mapped("name")),
            )
        return None

    def _prepare_filing_vals(self):
        self.ensure_one()
        stage = self._stage_of_kind("filed")
        vals = {"filing_date": self.filing_date or self.env["collection.escalation"]._today(self.company_id)}
        if stage and stage.sequence > self.stage_id.sequence:
            vals["stage_id"] = stage.id
        return vals

    def _action_file(self):
        """After filing: the suit interrupts the limitation of every claimed invoice (pending until it ends)."""
        self.env["collection.case.interruption"].create([{
            "case_id": case.id, "kind": "filing", "date": case.filing_date, "proof_method": "court_record",
            "move_ids": [Command.set(case.line_ids.move_id.ids)],
            "note": case.court_case_number or False,
        } for case in self])
        for case in self:
            override = case.sudo().evidence_override_reason
            body = self.env._("Filed on %(date)s, claiming %(amount)s.", date=format_date(self.env, case.filing_date),
                              amount=case.currency_id.format(case.claim_total))
            if override and not case.evidence_complete:
                body += " " + self.env._("Filed without complete evidence: %s", override)
            # A log, not a post: a note needs no sender address, so a user without an email can file.
            case._message_log(body=body)

    def _refresh_claim(self, as_of=None):
        """What each claimed invoice owes, and its interest and compensation as of `as_of` (the interest day)."""
        for case in self:
            # The explanation is kept on the case for its team, and printed in court documents: the company's language.
            case = case.with_context(lang=case.company_id.partner_id.lang or self.env.lang)
            day = as_of or case.interest_date or self.env["collection.escalation"]._today(case.company_id)
            moves = case.line_ids.move_id
            figures = moves._collection_interest(day, raise_errors=False)
            explanation = []
            for line in case.line_ids:
                values = figures.get(line.move_id.id) or {}
                compensation = min(values.get("compensation", 0.0), values.get("claimable", 0.0))
                line.write({
                    "amount_claimed": line.move_id.amount_residual,
                    "interest_amount": max(0.0, values.get("claimable", 0.0) - compensation),
                    "compensation_amount": compensation,
                    "interest_explanation": "\n".join(values.get("explanation", [])),
                })
                if values.get("explanation"):
                    explanation += [f"{line.move_id.name}:", *values["explanation"], ""]
            case.write({"interest_date": day, "interest_explanation": "\n".join(explanation).strip() or False})

    # === Business: stages and pauses === #
    def _stage_of_kind(self, kind):
        self.ensure_one()
        return self._stages_of_kind(kind).get(self.company_id.id, self.env["collection.case.stage"])

    def _stages_of_kind(self, kind):
        """{company id: the first stage of a kind each case's company may use}, in one search."""
        stages = self.env["collection.case.stage"].search([("kind", "=", kind)])
        return {
            company.id: stages.filtered(lambda s, c=company: not s.company_id or s.company_id in c.parent_ids)[:1]
            for company in self.company_id
        }

    def _advance_to(self, kind):
        """Move the cases forward to the stage of a step they reached; never backwards, never out of closed."""
        stage_of = self._stages_of_kind(kind)
        for case in self:
            stage = stage_of.get(case.company_id.id)
            if stage and not case.is_closed and stage.sequence > case.stage_id.sequence:
                case.stage_id = stage

    def _close_as(self, result):
        """Close the cases with a result (recovered, settled, written_off, lost): the stage of that result. The
        litigation pause ends with it. For the money side (settlement, write-off) to call."""
        for case in self:
            stage = self.env["collection.case.stage"].search([
                ("kind", "=", "closed"), ("close_result", "=", result), "|", ("company_id", "=", False),
                ("company_id", "parent_of", case.company_id.ids)], limit=1)
            if not stage:
                raise UserError(self.env._("No closed stage says %s: add one in the legal configuration.", result))
            case.stage_id = stage

    def _sync_litigation_pause(self):
        """Keep one active litigation pause on the invoices of each open case: created when the case opens or gets
        invoices, ended when it closes. The customer shows In litigation at once; the escalation, triggered by the
        pause, stops (or resumes) chasing those invoices on its next run."""
        pause_model = self.env["collection.pause"].sudo()
        to_create, to_create_for = [], []
        for case in self:
            pause = case.pause_id.sudo() if case.pause_id.state == "active" else pause_model
            moves = case.line_ids.move_id if not case.is_closed else self.env["account.move"]
            if moves and not pause:
                to_create.append({
                    "partner_id": case.partner_id.id, "company_id": case.company_id.id, "reason": "litigation",
                    "move_ids": [Command.set(moves.ids)],
                    "note": self.env._("Legal case %s", case.name),
                })
                to_create_for.append(case)
            elif moves and pause.move_ids != moves:
                pause.move_ids = [Command.set(moves.ids)]
                pause.customer_id._mark_to_recheck()
            elif not moves and pause:
                pause.action_resume()
        if to_create:
            pauses = pause_model.create(to_create)
            for case, pause in zip(to_create_for, pauses, strict=True):
                case.pause_id = pause

    def _close_legal_review(self):
        """The engine asked the legal team to consider a case for this customer: the case is the answer."""
        files = self.env["collection.customer"].sudo().search([
            ("partner_id", "in", self.partner_id.ids), ("company_id", "in", self.company_id.ids)])
        file_of = {(f.partner_id.id, f.company_id.id): f for f in files}
        for case in self:
            if file := file_of.get((case.partner_id.id, case.company_id.id)):
                file.activity_feedback(["account_collection_litigation.mail_activity_type_legal_review"],
                                       feedback=self.env._("Legal case %s opened.", case.name))

    # === Business: evidence === #
    def _evidence_sources(self):
        """The records the case's evidence files already come from: a letter or a visit is added once."""
        self.ensure_one()
        return {file.source_ref for file in self.sudo().evidence_ids.file_ids if file.source_ref}

    def _evidence_item(self, category, name):
        """The first checklist item of a category, created (not required) when the checklist has none."""
        self.ensure_one()
        item = self.sudo().evidence_ids.filtered(lambda e: e.category == category)[:1]
        return item.sudo(False) or self.env["collection.case.evidence"].create(
            {"case_id": self.id, "category": category, "name": name, "required": False, "sequence": 100})

    @api.model
    def _history_csv(self, history):
        events = dict(history._fields["event"]._description_selection(self.env))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([self.env._("Date"), self.env._("Event"), self.env._("Invoice"), self.env._("Action"),
                         self.env._("By"), self.env._("Note")])
        for row in history:
            writer.writerow([fields.Datetime.to_string(row.date), events.get(row.event, row.event),
                             row.move_id.name or "", row.action_id.name or "", row.user_id.name or "", row.note or ""])
        return buffer.getvalue().encode()

    def _evidence_exhibits(self):
        """The numbered exhibits of the case: every file of every checklist item, in checklist order."""
        self.ensure_one()
        categories = dict(self.env["collection.case.evidence"]._fields["category"]._description_selection(self.env))
        files = self.sudo().evidence_ids.sorted(lambda e: (e.sequence, e.id)).file_ids.sorted(
            lambda f: (f.evidence_id.sequence, f.evidence_id.id, f.id))
        exhibits = []
        for number, file in enumerate(files, start=1):
            data = base64.b64decode(file.datas or b"")
            exhibits.append(evidence_pack.Exhibit(number, file.name, data, (
                file.evidence_id.name, categories.get(file.evidence_id.category, ""), file.name,
                fields.Datetime.to_string(file.added_on), file.sha256,
            )))
        return exhibits

    def _generate_evidence_pack(self):
        """Store the evidence pack (numbered index and numbered files, one ZIP) on the case, log its fingerprint."""
        self.ensure_one()
        self.check_access("write")
        exhibits = self._evidence_exhibits()
        if not exhibits:
            raise UserError(self.env._("%s has no evidence file yet.", self.name))
        for exhibit in exhibits:
            if evidence_pack.sha256_hex(exhibit.data) != exhibit.cells[-1]:
                raise UserError(self.env._(
                    "The file %(file)s no longer matches the fingerprint taken when it was added.",
                    file=exhibit.filename))
        headers = [self.env._("No."), self.env._("Item"), self.env._("Category"), self.env._("File"),
                   self.env._("Added On (UTC)"), self.env._("SHA-256")]
        intro = self.env._("%(case)s · %(creditor)s v. %(debtor)s · %(court)s %(number)s",
                           case=self.name, creditor=self.company_id.name, debtor=self.partner_id.name,
                           court=self.court_id.name or "", number=self.court_case_number or "")
        index = evidence_pack.index_docx(self.env._("Evidence index"), headers, exhibits, intro=intro)
        data, names = evidence_pack.build_pack(f"00_{self.env._('index')}.docx", index, exhibits)
        filename = f"{self.name.replace('/', '-')}-{self.env._('evidence')}.zip"
        digest = evidence_pack.sha256_hex(data)
        self.message_post(body=Markup("%s<br/>%s") % (
            self.env._("Evidence pack %(file)s: %(count)s exhibits.", file=filename, count=len(names)),
            self.env._("SHA-256 of the pack: %s", digest),
        ), subtype_xmlid="mail.mt_note")
        return self.env["collection.case.evidence.pack"].create({
            "case_id": self.id, "filename": filename, "data": base64.b64encode(data), "sha256": digest,
            "exhibit_count": len(names),
        })

    # === Business: progress reports === #
    def _report_step(self):
        self.ensure_one()
        unit = "weeks" if self.report_unit == "weeks" else "months"
        return relativedelta(**{unit: self.report_interval})

    def _schedule_progress_reports(self, today):
        """One activity per period and case whose lawyer reports regularly; the next date moves one period on."""
        cases = self.search([("company_id", "=", self.env.company.id), ("is_closed", "=", False),
                             ("report_interval", ">", 0), ("report_next_date", "<=", today)])
        if not cases:
            return
        vals_list, next_dates = [], defaultdict(list)
        for case in cases:
            vals_list.append(case._activity_vals(
                "account_collection_litigation.mail_activity_type_lawyer_report", case.report_next_date,
                self.env._("Progress report due from %(lawyer)s", lawyer=(case.lawyer_id or case.law_firm_id).name
                           or self.env._("the lawyer")),
            ))
            next_date = case.report_next_date
            while next_date <= today:
                next_date += case._report_step()
            next_dates[next_date].append(case.id)
        for next_date, case_ids in next_dates.items():
            self.browse(case_ids).write({"report_next_date": next_date})
        self.env["collection.case.alert"]._create_activities(vals_list)

    def _activity_vals(self, type_xmlid, deadline, summary, note=False):
        self.ensure_one()
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name), "res_id": self.id,
            "activity_type_id": self.env.ref(type_xmlid).id, "date_deadline": deadline, "summary": summary,
            "note": note, "user_id": (self.user_id or self.env.user).id, "automated": True,
        }

    # === Business: documents === #
    def _document_context(self):
        """Plain data of the case for court documents (statement of claim, preservation and enforcement applications,
        evidence index): dicts, lists, strings and numbers only, ready for a template engine."""
        self.ensure_one()
        case = self.sudo()
        procedures = dict(self._fields["procedure"]._description_selection(self.env))

        def day(value):
            return fields.Date.to_string(value) if value else ""

        def party(partner, representative=None):
            return {
                "name": partner.name or "", "vat": partner.vat or "", "company_registry": partner.company_registry
                or "", "street": partner.street or "", "street2": partner.street2 or "", "city": partner.city or "",
                "zip": partner.zip or "", "country": partner.country_id.name or "", "phone": partner.phone or "",
                "email": partner.email or "", "representative": representative.name or "" if representative else "",
            }

        decision = case.judgment_ids.sorted(lambda j: (j.date or date.max, j.id))[-1:]
        enforcement = case.enforcement_ids.sorted("id")[-1:]
        return {
            "reference": case.name,
            "court": party(case.court_id) if case.court_id else {},
            "court_case_number": case.court_case_number or "",
            "procedure": procedures.get(case.procedure, ""),
            "jurisdiction": case.jurisdiction,
            "filing_date": day(case.filing_date),
            "creditor": party(case.company_id.partner_id, case.creditor_representative_id),
            "debtor": party(case.partner_id, case.debtor_representative_id),
            "lawyer": party(case.lawyer_id) if case.lawyer_id else {},
            "law_firm": party(case.law_firm_id) if case.law_firm_id else {},
            "currency": case.currency_id.name,
            "claim": {
                "principal": case.claim_principal, "interest": case.claim_interest,
                "compensation": case.claim_compensation, "penalty": case.claim_penalty, "fees": case.claim_fees,
                "costs": case.claim_costs, "total": case.claim_total, "interest_as_of": day(case.interest_date),
                "interest_explanation": case.interest_explanation or "",
            },
            "invoices": [{
                "number": line.move_id.name, "date": day(line.move_id.invoice_date),
                "due_date": day(line.move_id.invoice_date_due), "amount_total": line.amount_total,
                "amount_claimed": line.amount_claimed, "interest": line.interest_amount,
                "contract_ref": line.move_id.collection_contract_ref or "",
                "limitation_deadline": day(line.limitation_deadline),
            } for line in case.line_ids],
            "evidence": [{
                "number": exhibit.number, "item": exhibit.cells[0], "category": exhibit.cells[1],
                "file": exhibit.filename, "added_on": exhibit.cells[3], "sha256": exhibit.cells[4],
            } for exhibit in case._evidence_exhibits()],
            "preservations": [{
                "asset_type": measure.asset_type, "description": measure.description or "",
                "amount": measure.amount, "ruling_number": measure.ruling_number or "",
                "measure_date": day(measure.measure_date), "expiry_date": day(measure.expiry_date),
                "security_amount": measure.security_amount, "security_form": measure.security_form or "",
            } for measure in case.preservation_ids],
            "judgment": {
                "number": decision.name or "", "date": day(decision.date), "principal": decision.awarded_principal,
                "interest": decision.awarded_interest, "costs": decision.awarded_costs,
                "total": decision.awarded_total, "effective_date": day(decision.effective_date),
                "performance_due": day(decision.performance_due),
            } if decision else {},
            "enforcement": {
                "number": enforcement.name or "", "application_date": day(enforcement.application_date),
                "assets": [{"type": asset.asset_type, "description": asset.description or "",
                            "estimated_value": asset.estimated_value} for asset in enforcement.asset_ids],
            } if enforcement else {},
        }

    @api.model
    def _limitation_sql_cases(self, move_ids):
        """{move id: jurisdiction} of the invoices claimed in open cases, in one query."""
        if not move_ids:
            return {}
        self.env["collection.case.line"].flush_model(["move_id", "case_open"])
        self.flush_model(["jurisdiction"])
        self.env.cr.execute(SQL(
            """
            SELECT l.move_id, c.jurisdiction
              FROM collection_case_line l JOIN collection_case c ON c.id = l.case_id
             WHERE l.case_open AND l.move_id IN %s
            """,
            tuple(move_ids),
        ))
        return dict(self.env.cr.fetchall())

    # ====== The money side of a case ====== #
    # === Fields: costs and estimate === #
    cost_ids = fields.One2many("collection.case.cost", "case_id", string="Costs", groups=LEGAL_USER)
    cost_total = fields.Monetary(string="Costs So Far", compute="_compute_costs", store=True)
    cost_recovered = fields.Monetary(string="Costs Recovered", compute="_compute_costs", store=True)
    # Court fees are set in CNY (诉讼费用交纳办法): shown in CNY whatever the case's and the company's currencies.
    fee_currency_id = fields.Many2one("res.currency", compute="_compute_fee_estimate")
    fee_estimate_case = fields.Monetary(string="Estimated Case Fee", compute="_compute_fee_estimate",
                                        currency_field="fee_currency_id")
    fee_estimate_preservation = fields.Monetary(string="Estimated Preservation Fee", compute="_compute_fee_estimate",
                                                currency_field="fee_currency_id")
    fee_estimate_enforcement = fields.Monetary(string="Estimated Enforcement Fee", compute="_compute_fee_estimate",
                                               currency_field="fee_currency_id")
    fee_estimate_total = fields.Monetary(string="Estimated Court Fees", compute="_compute_fee_estimate",
                                         currency_field="fee_currency_id")
    fee_estimate_basis = fields.Char(compute="_compute_fee_estimate",
                                     help="The claim in CNY the fees are computed on: the rate and the day used.")
    expected_recovery_rate = fields.Float(
        string="Expected Recovery (%)", digits=(5, 2), tracking=True,
        default=lambda self: self.env.company.collection_expected_recovery_rate,
        help="The share of the claim this case is expected to recover.")
    expected_costs = fields.Monetary(string="Expected Further Costs", tracking=True,
                                     help="Costs still to come (fees, lawyer), beyond those recorded.")
    expected_net_recovery = fields.Monetary(
        compute="_compute_net_recovery",
        help="Claim × expected recovery rate − costs so far − expected further costs.")
    review_next_date = fields.Date(string="Next Cost-benefit Review", copy=False, tracking=True)

    # === Fields: stop-loss === #
    stop_loss_state = fields.Selection(STOP_LOSS_STATES, string="Stop-loss", default="none", required=True,
                                       tracking=True, copy=False)
    stop_loss_reason = fields.Text(string="Why Pursuing Further Is Uneconomic", tracking=True, copy=False)
    stop_loss_date = fields.Date(readonly=True, copy=False)
    stop_loss_proposed_by_id = fields.Many2one("res.users", string="Stop-loss Proposed By", readonly=True,
                                               copy=False)
    stop_loss_approved_by_id = fields.Many2one("res.users", string="Stop-loss Approved By", readonly=True,
                                               copy=False)

    # === Fields: settlement and write-off === #
    settlement_ids = fields.One2many("collection.case.settlement", "case_id", string="Settlements",
                                     groups=LEGAL_USER)
    write_off_ids = fields.One2many("collection.write.off", "case_id", string="Write-offs", groups=LEGAL_USER)
    write_off_count = fields.Integer(compute="_compute_write_off_count")
    amount_written_off = fields.Monetary(string="Written Off", compute="_compute_recovery",
                                         help="What the posted (not reversed) write-offs settled.")

    # === Compute === #
    @api.depends("cost_ids.amount", "cost_ids.recovered")
    def _compute_costs(self):
        for case in self:
            costs = case.sudo().cost_ids
            case.cost_total = sum(costs.mapped("amount"))
            case.cost_recovered = sum(costs.mapped("recovered"))

    @api.depends("claim_total", "procedure", "currency_id", "filing_date")
    def _compute_fee_estimate(self):
        escalation = self.env["collection.escalation"]
        for case in self:
            estimate = case._court_fee_estimate(case.claim_total, case.procedure, case.currency_id, case.company_id,
                                                case.filing_date or escalation._today(case.company_id))
            case.fee_currency_id = estimate["currency"]
            case.fee_estimate_case = estimate["case"]
            case.fee_estimate_preservation = estimate["preservation"]
            case.fee_estimate_enforcement = estimate["enforcement"]
            case.fee_estimate_total = estimate["total"]
            case.fee_estimate_basis = estimate["basis"]

    @api.depends("claim_total", "expected_recovery_rate", "cost_total", "expected_costs")
    def _compute_net_recovery(self):
        for case in self:
            case.expected_net_recovery = case.currency_id.round(
                case.claim_total * case.expected_recovery_rate / 100 - case.cost_total - case.expected_costs)

    @api.depends("line_ids.amount_residual", "claim_principal")
    def _compute_recovery(self):
        """Recovered: what the claimed invoices owed at filing less what they owe now, less what the posted
        write-offs settled (the write-off entry pays the invoices in the books, it recovers nothing)."""
        for case in self:
            case.amount_outstanding = sum(case.line_ids.mapped("amount_residual"))
            write_offs = case.sudo().write_off_ids.filtered(lambda w: w.state == "posted")
            case.amount_written_off = sum(write_offs.mapped("amount"))
            case.amount_recovered = max(0.0, case.currency_id.round(
                case.claim_principal - case.amount_outstanding - case.amount_written_off))

    def _compute_write_off_count(self):
        for case in self:
            case.write_off_count = len(case.sudo().write_off_ids)

    @api.model
    def _court_fee_estimate(self, amount, procedure="ordinary", currency=None, company=None, day=None):
        """The court fees of a claim of `amount` in `currency`, in CNY (the tables' currency): the claim converted
        at `day`'s rate (the filing date; the company's today before filing), whatever the company's currency.
        Returns {'case', 'preservation', 'enforcement', 'total' (floats in CNY), 'currency' (CNY), 'amount' (the
        claim in CNY), 'rate', 'day', 'basis' (a sentence naming the rate and the day)}."""
        company = company or self.env.company
        currency = currency or company.currency_id
        day = day or self.env["collection.escalation"]._today(company)
        cny = self.env.ref("base.CNY")
        rate = currency._get_conversion_rate(currency, cny, company, day) if currency != cny else 1.0
        # A negative claim is refused on save (_check_claim_not_negative); until then a form shows no fee.
        in_cny = cny.round(max(amount or 0.0, 0.0) * rate)
        fees = court_fees.estimate(Decimal(str(in_cny)), procedure or "ordinary")
        if currency == cny:
            basis = self.env._("On the claim of %(amount)s (%(day)s)", amount=cny.format(in_cny),
                               day=format_date(self.env, day))
        else:
            basis = self.env._(
                "On the claim of %(claim)s = %(amount)s at %(rate)s CNY per %(currency)s, the rate of %(day)s",
                claim=currency.format(amount or 0.0), amount=cny.format(in_cny), rate=round(rate, 6),
                currency=currency.name, day=format_date(self.env, day))
        return {"case": float(fees.case), "preservation": float(fees.preservation),
                "enforcement": float(fees.enforcement), "total": float(fees.total), "currency": cny,
                "amount": in_cny, "rate": rate, "day": day, "basis": basis}

    # === Actions: stop-loss === #
    def action_propose_stop_loss(self):
        self.check_access("write")
        for case in self:
            if not case.stop_loss_reason:
                raise UserError(self.env._("Say why pursuing %s further is uneconomic first.", case.name))
            if case.stop_loss_state != "none":
                raise UserError(self.env._("%s has a stop-loss decision already.", case.name))
        for company, cases in self.grouped("company_id").items():
            cases.with_context(**{APPROVAL_TRANSITION: True}).write({
                "stop_loss_state": "proposed", "stop_loss_date": self.env["collection.escalation"]._today(company),
                "stop_loss_proposed_by_id": self.env.uid, "stop_loss_approved_by_id": False})
        return True

    def action_approve_stop_loss(self):
        """Four eyes, as for every approval (collection.approval.mixin): a legal manager other than the one who
        proposed it, whose level in the authority matrix covers what the case still claims in the books."""
        for case in self:
            if case.stop_loss_state != "proposed" or not case.stop_loss_reason:
                raise UserError(self.env._("%s has no stop-loss decision to approve.", case.name))
            if error := case._stop_loss_approval_error():
                raise UserError(error)
        self.with_context(**{APPROVAL_TRANSITION: True}).write({
            "stop_loss_state": "approved", "stop_loss_approved_by_id": self.env.uid})
        return True

    def action_refuse_stop_loss(self):
        for case in self:
            if case.stop_loss_state != "proposed":
                raise UserError(self.env._("%s has no stop-loss decision to refuse.", case.name))
            if error := case._stop_loss_approval_error():
                raise UserError(error)
        self.with_context(**{APPROVAL_TRANSITION: True}).write({
            "stop_loss_state": "none", "stop_loss_date": False, "stop_loss_proposed_by_id": False})
        for case in self:
            case.message_post(body=self.env._("Stop-loss refused by %(user)s.", user=self.env.user.name),
                              subtype_xmlid="mail.mt_note")
        return True

    def _stop_loss_approval_error(self):
        """Why the current user may not decide the case's stop-loss (the approval's one rule), or False."""
        self.ensure_one()
        company = self.company_id
        outstanding = self.currency_id._convert(sum(self.line_ids.mapped("amount_residual")),
                                                company.currency_id, company,
                                                self.env["collection.escalation"]._today(company))
        return self.env["collection.approval.mixin"]._approval_refusal(
            "stop_loss", outstanding, company, self.env._("The stop-loss decision on %s", self.name),
            requested_by=self.stop_loss_proposed_by_id, group=LEGAL_MANAGER)

    def _check_stop_loss_write(self, names):
        if names and not (self.env.context.get(APPROVAL_TRANSITION) or self.env.su):
            raise UserError(self.env._("The stop-loss decision changes only through its buttons (propose, approve, "
                                       "refuse), not by writing it."))

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
        cases = self.search([("company_id", "=", self.env.company.id), ("is_closed", "=", False),
                             "|", ("review_next_date", "=", False), ("review_next_date", "<=", today)])
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
