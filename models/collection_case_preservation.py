from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from ..tools import legal_deadlines as legal

ASSET_TYPES = [
    ("bank_deposit", "Bank deposit"),
    ("movable", "Movable property"),
    ("real_estate", "Real estate"),
    ("equity", "Equity"),
    ("other", "Other property rights"),
]
PRESERVATION_STATES = [
    ("requested", "Applied for"),
    ("in_force", "In force"),
    ("renewed", "Renewed"),
    ("lifted", "Lifted"),
    ("converted", "Converted into enforcement"),
]
SECURITY_FORMS = [
    ("cash", "Cash deposit"),
    ("guarantee", "Bank guarantee"),
    ("insurance", "Preservation insurance"),
]


class CollectionCasePreservation(models.Model):
    """A property preservation measure (财产保全): what is frozen or seized, until when, by when it must be renewed
    and, before suit, by when the suit must be filed; and the security the applicant gave."""

    _name = "collection.case.preservation"
    _description = "Preservation Measure"
    _inherit = ["mail.thread", "collection.case.deadline.source"]
    _deadline_inputs = frozenset({"state", "expiry_date", "measure_date", "pre_suit", "description"})
    _order = "measure_date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    jurisdiction = fields.Selection(related="case_id.jurisdiction")
    pre_suit = fields.Boolean(string="Before Suit", tracking=True,
                              help="Pre-suit preservation: the suit must be filed within the preset's period.")
    asset_type = fields.Selection(ASSET_TYPES, required=True, default="bank_deposit", tracking=True)
    description = fields.Char(required=True, help="E.g. account 6222 0000 1234 at ICBC Shenzhen branch.")
    amount = fields.Monetary(string="Amount Preserved")
    state = fields.Selection(PRESERVATION_STATES, required=True, default="requested", tracking=True)
    application_date = fields.Date(required=True, tracking=True,
                                   default=lambda self: self.env["collection.escalation"]._today())
    ruling_number = fields.Char(tracking=True)
    ruling_date = fields.Date(tracking=True)
    measure_date = fields.Date(string="Measure Taken On", tracking=True)
    expiry_date = fields.Date(
        compute="_compute_expiry_date", store=True, readonly=False, tracking=True,
        help="The maximum term for the asset type from the day of the measure; set the ruling's own date if it "
        "states one.",
    )
    renew_by = fields.Date(compute="_compute_deadlines", store=True,
                           help="The day by which the renewal must be applied for.")
    suit_due = fields.Date(string="Suit Due By", compute="_compute_deadlines", store=True,
                           help="Pre-suit measure: the suit must be filed by this day or the measure is lifted.")
    deadline_explanation = fields.Text(string="How the Deadlines Are Counted",
                                       compute="_compute_deadline_explanation")
    renewal_of_id = fields.Many2one("collection.case.preservation", check_company=True,
                                    readonly=True, index="btree_not_null")
    # === Fields: the applicant's security === #
    security_amount = fields.Monetary(tracking=True)
    security_form = fields.Selection(SECURITY_FORMS, tracking=True)
    security_release_date = fields.Date(tracking=True)
    security_hint = fields.Char(string="Security Rule", compute="_compute_security_hint")
    interruption_ids = fields.One2many("collection.case.interruption", "preservation_id")
    note = fields.Text()

    _sql_constraints = [
        ("amounts_positive", "CHECK(amount >= 0 AND security_amount >= 0)", "Amounts cannot be negative."),
    ]

    # === Compute === #
    @api.depends("asset_type", "description")
    def _compute_display_name(self):
        types = dict(self._fields["asset_type"]._description_selection(self.env))
        for measure in self:
            measure.display_name = f"{types.get(measure.asset_type, '')}: {measure.description or ''}"

    @api.depends("asset_type", "measure_date", "case_id.jurisdiction")
    def _compute_expiry_date(self):
        for measure in self:
            rules = legal.preset(measure.case_id.jurisdiction or "prc")
            term = rules.term_years(measure.asset_type)
            measure.expiry_date = (legal.add_years(measure.measure_date, term) - legal.ONE_DAY
                                   if measure.measure_date and term else False)

    @api.depends("expiry_date", "measure_date", "pre_suit", "case_id.jurisdiction")
    def _compute_deadlines(self):
        """From the measure date whatever the state of the record: a measure left "Applied for" runs all the same."""
        for measure, result in self._legal_results().items():
            measure.renew_by = result.renew_by if result else False
            measure.suit_due = result.suit_due if result else False

    @api.depends("expiry_date", "renew_by", "suit_due")
    def _compute_deadline_explanation(self):
        explain = self.env["collection.legal.explanation"]
        for measure, result in self._legal_results().items():
            rules = legal.preset(measure.case_id.jurisdiction or "prc")
            measure.deadline_explanation = "\n".join(
                explain._explain(d, rules) for d in result.deadlines) if result else False

    def _legal_results(self):
        """{measure: tools.legal_deadlines.Preservation or None} on the company's working-day calendar."""
        calendars = self.company_id._collection_working_days()
        results = {}
        for measure in self:
            results[measure] = None
            if measure.measure_date and measure.expiry_date:
                rules = legal.preset(measure.case_id.jurisdiction or "prc")
                # The computed term's own expiry is passed as None so the tools name the counting ambiguity.
                term = rules.term_years(measure.asset_type)
                computed = term and legal.add_years(measure.measure_date, term) - legal.ONE_DAY
                try:
                    results[measure] = legal.preservation(
                        rules, measure.asset_type, measure.measure_date, measure.pre_suit,
                        expiry=None if measure.expiry_date == computed else measure.expiry_date,
                        off_days=calendars.get(measure.company_id.id, legal.NO_OFF_DAYS))
                except legal.LegalDeadlineError:
                    results[measure] = None
        return results

    @api.depends("amount", "pre_suit", "case_id.jurisdiction")
    def _compute_security_hint(self):
        for measure in self:
            try:
                mandatory, share, amount = legal.preservation_security(
                    legal.preset(measure.case_id.jurisdiction or "prc"), measure.amount or 0.0, measure.pre_suit)
            except legal.LegalDeadlineError:
                measure.security_hint = False
                continue
            amount_text = measure.currency_id.format(float(amount)) if measure.currency_id else str(amount)
            measure.security_hint = self.env._("Mandatory: %(share)s %% (%(amount)s)", share=share,
                                               amount=amount_text) if mandatory else self.env._(
                "At the court's discretion, up to %(share)s %% (%(amount)s)", share=share, amount=amount_text)

    # === Constraints === #
    @api.constrains("application_date", "ruling_date", "measure_date", "expiry_date")
    def _check_dates(self):
        for measure in self:
            if measure.measure_date and measure.expiry_date and measure.expiry_date < measure.measure_date:
                raise ValidationError(self.env._("A measure cannot expire before it is taken."))
            if measure.ruling_date and measure.ruling_date < measure.application_date:
                raise ValidationError(self.env._("The ruling cannot come before the application."))

    @api.constrains("application_date", "measure_date")
    def _check_measure_after_application(self):
        for measure in self:
            if measure.measure_date and measure.application_date and measure.measure_date < measure.application_date:
                raise ValidationError(self.env._(
                    "A measure taken on %(taken)s cannot come before its application of %(applied)s.",
                    taken=format_date(self.env, measure.measure_date),
                    applied=format_date(self.env, measure.application_date)))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        measures = super().create(vals_list)
        # Applying for preservation interrupts the limitation (PRC); the application date is the court's record.
        self.env["collection.case.interruption"].create([{
            "case_id": measure.case_id.id, "kind": "preservation", "date": measure.application_date,
            "proof_method": "court_record", "preservation_id": measure.id,
        } for measure in measures if not measure.renewal_of_id])
        for measure in measures:
            measure.case_id._advance_to("preservation" if not measure.case_id.filing_date else "filed")
        return measures

    # === Actions === #
    def action_renew(self):
        """Record the renewal: a new measure from the day after expiry, for the same maximum term."""
        self.ensure_one()
        if self.state not in ("in_force", "requested") or not self.expiry_date:
            raise UserError(self.env._("Only a measure in force with an expiry date can be renewed."))
        rules = legal.preset(self.case_id.jurisdiction or "prc")
        try:
            expiry = legal.renewed_expiry(rules, self.asset_type, self.expiry_date)
        except legal.LegalDeadlineError as error:
            raise UserError(str(error)) from error
        renewal = self.copy({
            "renewal_of_id": self.id, "state": "in_force", "pre_suit": False, "application_date": self.renew_by
            or self.expiry_date, "measure_date": fields.Date.add(self.expiry_date, days=1), "ruling_number": False,
            "ruling_date": False,
        })
        renewal.expiry_date = expiry
        self.state = "renewed"
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": renewal.id, "view_mode": "form"}
