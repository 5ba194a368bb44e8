from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import legal_deadlines as legal

RESTRICTION_KINDS = [
    ("dishonest", "Dishonest-debtor list (失信被执行人)"),
    ("consumption_ban", "Consumption ban (限制高消费)"),
]
RESTRICTION_STATES = [
    ("applied", "Applied for"),
    ("in_force", "In force"),
    ("removed", "Removed"),
]
# SPC Provisions on the List of Dishonest Judgment Debtors (2017) art. 1: the six grounds.
DISHONEST_GROUNDS = [
    ("1", "1. Able to perform but refuses"),
    ("2", "2. Obstructs enforcement with false evidence, violence or threats"),
    ("3", "3. Evades enforcement by false litigation, arbitration or hiding assets"),
    ("4", "4. Breaches the property-reporting order"),
    ("5", "5. Breaches the consumption ban"),
    ("6", "6. Refuses a settlement agreement without good reason"),
]


class CollectionCaseRestriction(models.Model):
    """A court restriction on the debtor in enforcement: the dishonest-debtor list (失信) or the consumption ban
    (限高), with its dates, grounds, term and the persons it binds. Its term end is a legal deadline (reminders);
    while in force, a new invoice for the debtor shows a warning."""

    _name = "collection.case.restriction"
    _description = "Dishonest Listing or Consumption Ban"
    _inherit = ["mail.thread", "collection.case.deadline.source"]
    _deadline_inputs = frozenset({"state", "term_end", "listing_date", "kind", "ground", "extra_years"})
    _order = "listing_date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True, string="Debtor")
    enforcement_id = fields.Many2one("collection.case.enforcement", check_company=True,
                                     domain="[('case_id', '=', case_id)]")
    kind = fields.Selection(RESTRICTION_KINDS, required=True, default="dishonest", tracking=True)
    state = fields.Selection(RESTRICTION_STATES, required=True, default="applied", tracking=True)
    application_date = fields.Date(tracking=True)
    listing_date = fields.Date(string="Decided On", tracking=True, help="The day the court listed or banned.")
    decision_number = fields.Char(tracking=True)
    ground = fields.Selection(DISHONEST_GROUNDS, tracking=True,
                              help="Grounds 2-6 list for 2 years (1-3 more when serious); ground 1 has no fixed term.")
    extra_years = fields.Integer(help="Added for serious or repeated conduct (1-3).")
    term_end = fields.Date(
        compute="_compute_term_end", store=True, readonly=False, tracking=True,
        help="The last day of the listing: computed for grounds 2-6, or the court's own date. A consumption ban "
        "lasts until performance: enter a date only if the court set one.")
    # Persons bound (consumption ban: SPC Provisions on Restricting High Consumption art. 3).
    legal_representative_id = fields.Many2one("res.partner", check_company=True)
    principal_id = fields.Many2one("res.partner", check_company=True)
    controller_id = fields.Many2one("res.partner", string="Actual Controller", check_company=True)
    note = fields.Text()

    _sql_constraints = [
        ("extra_years_range", "CHECK(extra_years >= 0 AND extra_years <= 3)", "Extra years run from 0 to 3."),
    ]

    # === Compute === #
    @api.depends("kind", "case_id.partner_id", "listing_date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for restriction in self:
            restriction.display_name = f"{kinds.get(restriction.kind, '')}: {restriction.partner_id.name or ''}"

    @api.depends("kind", "ground", "listing_date", "extra_years", "case_id.jurisdiction")
    def _compute_term_end(self):
        for restriction in self:
            rules = legal.preset(restriction.case_id.jurisdiction or "prc")
            fixed = restriction.kind == "dishonest" and restriction.ground and restriction.ground != "1"
            restriction.term_end = legal.list_term_end(rules, restriction.listing_date, restriction.extra_years) \
                if fixed else False

    # === Constraints === #
    @api.constrains("listing_date", "application_date", "term_end")
    def _check_dates(self):
        for restriction in self:
            if restriction.listing_date and restriction.term_end and restriction.term_end < restriction.listing_date:
                raise ValidationError(self.env._("A listing cannot end before it was decided."))
            if (restriction.application_date and restriction.listing_date
                    and restriction.listing_date < restriction.application_date):
                raise ValidationError(self.env._("The court cannot decide before the application."))

    # === Business === #
    @api.model
    def _warnings_for_partners(self, partners):
        """{commercial partner id: warning text} for the partners on a list or banned now, in one search."""
        if not partners:
            return {}
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        warnings = {}
        for restriction in self.sudo().search([("partner_id", "in", partners.commercial_partner_id.ids),
                                               ("state", "=", "in_force")], order="listing_date, id"):
            text = self.env._("%(kind)s since %(day)s (case %(case)s)", kind=kinds[restriction.kind],
                              day=restriction.listing_date or "-", case=restriction.case_id.name)
            previous = warnings.get(restriction.partner_id.id)
            warnings[restriction.partner_id.id] = f"{previous}; {text}" if previous else text
        return warnings
