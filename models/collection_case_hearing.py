from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

HEARING_KINDS = [
    ("hearing", "Hearing"),
    ("evidence_exchange", "Evidence exchange"),
    ("mediation", "Court mediation"),
    ("pronouncement", "Pronouncement of judgment"),
]
HEARING_STATES = [
    ("planned", "Planned"),
    ("held", "Held"),
    ("postponed", "Postponed"),
    ("cancelled", "Cancelled"),
]


class CollectionCaseHearing(models.Model):
    """A court session of a case: when and where, and what came of it."""

    _name = "collection.case.hearing"
    _description = "Court Hearing"
    _inherit = ["mail.thread", "collection.case.deadline.source"]
    _deadline_inputs = frozenset({"state", "date", "place"})
    _order = "date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="case_id.user_id", string="Responsible")
    kind = fields.Selection(HEARING_KINDS, required=True, default="hearing")
    date = fields.Datetime(required=True, tracking=True)
    duration = fields.Float(default=2.0, help="In hours.")
    place = fields.Char(help="Court, courtroom, or the online platform.")
    judge = fields.Char()
    state = fields.Selection(HEARING_STATES, required=True, default="planned", tracking=True)
    outcome = fields.Text(tracking=True)

    # === Compute === #
    @api.depends("case_id.name", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for hearing in self:
            hearing.display_name = f"{hearing.case_id.name or ''} · {kinds.get(hearing.kind, '')}"

    # === Constraints === #
    @api.constrains("date", "case_id")
    def _check_after_filing(self):
        for hearing in self:
            filed = hearing.case_id.filing_date
            day = hearing.date and fields.Datetime.context_timestamp(hearing, hearing.date).date()
            if filed and day and day < filed:
                raise ValidationError(self.env._(
                    "A hearing on %(day)s cannot come before the case was filed on %(filed)s.",
                    day=format_date(self.env, day), filed=format_date(self.env, filed)))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        hearings = super().create(vals_list)
        hearings.case_id._advance_to("hearing")
        return hearings

    # === Actions === #
    def action_held(self):
        self.write({"state": "held"})
        return True

    def action_postpone(self):
        self.write({"state": "postponed"})
        return True
