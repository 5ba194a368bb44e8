from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, index_exists

from ..tools import legal_deadlines as legal

OPEN_MOVE_INDEX = "collection_case_line_open_move_uniq"
LIMITATION_STATUSES = [
    ("running", "Running"),
    ("stopped", "Stopped by a pending proceeding"),
    ("undefined", "Not defined by the preset"),
]
# What a running period counts from: the due date or an event (the kinds of tools/legal_deadlines.py).
LIMITATION_BASES = [
    ("due", "Due date"),
    ("demand", "Delivered demand"),
    ("acknowledgment", "Acknowledgment by the debtor"),
    ("part_payment", "Part payment"),
    ("filing", "Suit filed"),
    ("payment_order", "Payment order"),
    ("arbitration", "Arbitration"),
    ("preservation", "Preservation"),
    ("enforcement", "Enforcement application"),
    ("mediation", "Mediation"),
    ("obstacle", "Obstacle"),
]


class CollectionCaseLine(models.Model):
    """An invoice claimed in a case, with what it owed when the claim was fixed and its limitation."""

    _name = "collection.case.line"
    _description = "Legal Case Claimed Invoice"
    _order = "case_id, invoice_date_due, id"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    partner_id = fields.Many2one(related="case_id.partner_id")
    case_open = fields.Boolean(compute="_compute_case_open", store=True, index=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="restrict", check_company=True,
        domain="[('collection_is_open', '=', True), ('commercial_partner_id', '=', partner_id)]",
    )
    invoice_date = fields.Date(related="move_id.invoice_date")
    invoice_date_due = fields.Date(related="move_id.invoice_date_due", store=True)
    amount_total = fields.Monetary(related="move_id.amount_total", string="Invoice Total")
    amount_claimed = fields.Monetary(
        string="Open at Filing", copy=False,
        help="What the invoice owed when the claim was last taken from it; fixed when the case is filed.",
    )
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Open Now")
    interest_amount = fields.Monetary(string="Interest", copy=False)
    compensation_amount = fields.Monetary(string="Compensation", copy=False)
    interest_explanation = fields.Text(copy=False)

    # === Fields: limitation === #
    limitation_status = fields.Selection(LIMITATION_STATUSES, compute="_compute_limitation", store=True)
    limitation_deadline = fields.Date(compute="_compute_limitation", store=True)
    limitation_basis = fields.Selection(LIMITATION_BASES, compute="_compute_limitation", store=True,
                                        help="What the running period counts from.")
    limitation_basis_date = fields.Date(compute="_compute_limitation", store=True)
    limitation_unproven = fields.Boolean(compute="_compute_limitation", store=True,
                                         help="A later event would restart the period but has no proof of delivery.")
    limitation_unproven_deadline = fields.Date(compute="_compute_limitation", store=True,
                                               string="Deadline If Proven")
    limitation_capped = fields.Boolean(compute="_compute_limitation", store=True,
                                       help="The long-stop period caps the deadline.")
    limitation_nominal = fields.Date(compute="_compute_limitation", store=True,
                                     help="The period's last day before it was moved past a non-working day.")
    limitation_revived = fields.Boolean(
        string="Revivable After Limitation", compute="_compute_limitation", store=True,
        help="The debtor acknowledged or paid after the period had run out: it can no longer plead limitation "
        "(PRC: Civil Code art. 192).")
    limitation_ambiguity = fields.Char(
        compute="_compute_limitation", store=True,
        help="Why the deadline shown is the earlier reading, as codes separated by commas; the explanation says it "
        "in words.")
    limitation_explanation = fields.Char(compute="_compute_limitation_explanation")

    # === Compute === #
    @api.depends("case_id.is_closed")
    def _compute_case_open(self):
        for line in self:
            line.case_open = not line.case_id.is_closed

    @api.depends("move_id.invoice_date_due", "move_id.amount_residual", "case_id.jurisdiction",
                 "move_id.collection_interruption_ids.date", "move_id.collection_interruption_ids.proven",
                 "move_id.collection_interruption_ids.kind", "move_id.collection_interruption_ids.ends_on",
                 "move_id.collection_limitation_event_ids.date")
    def _compute_limitation(self):
        lines = self.filtered("move_id.invoice_date_due")
        figures = lines.move_id._collection_limitation(
            {line.move_id.id: line.case_id.jurisdiction for line in lines})
        for line in self:
            result = figures.get(line.move_id.id) if line in lines else None
            line.limitation_status = result.status if result else False
            line.limitation_deadline = result and result.deadline
            line.limitation_basis = result.basis if result else False
            line.limitation_basis_date = result and result.basis_day
            line.limitation_unproven = bool(result and result.unproven)
            line.limitation_unproven_deadline = result and result.unproven_deadline
            line.limitation_capped = bool(result and result.capped)
            line.limitation_nominal = result and result.nominal
            line.limitation_revived = bool(result and result.revived)
            line.limitation_ambiguity = result and ",".join(result.ambiguities) or False

    @api.depends("limitation_status", "limitation_deadline", "limitation_basis", "limitation_basis_date",
                 "limitation_unproven_deadline", "limitation_capped", "limitation_nominal", "limitation_revived",
                 "limitation_ambiguity")
    def _compute_limitation_explanation(self):
        bases = dict(self._fields["limitation_basis"]._description_selection(self.env))
        explain = self.env["collection.legal.explanation"]
        for line in self:
            basis = f"{bases.get(line.limitation_basis, '')} {line.limitation_basis_date or ''}".strip()
            rules = legal.preset(line.case_id.jurisdiction or "prc")
            if line.limitation_status == "stopped":
                text = self.env._("Stopped since %(basis)s: runs again when the proceeding ends (enter the day it "
                                  "ended on the limitation event).", basis=basis)
            elif line.limitation_status == "running":
                rule = ("long_stop" if line.limitation_capped else
                        "limitation_obstacle" if line.limitation_basis == "obstacle" else "limitation")
                text = explain._explain(legal.Deadline(
                    "limitation", line.limitation_deadline, rule, start=basis,
                    nominal=line.limitation_nominal or None,
                    ambiguities=tuple(filter(None, (line.limitation_ambiguity or "").split(",")))), rules)
            elif line.limitation_status == "undefined":
                text = self.env._("The jurisdiction preset defines no limitation period: check national law.")
            else:
                text = ""
            if line.limitation_unproven:
                text += " · " + self.env._("UNPROVEN later event: with proof the deadline would be %(day)s",
                                           day=line.limitation_unproven_deadline or "-")
            if line.limitation_revived:
                text += " · " + self.env._("The debtor acknowledged or paid after expiry: limitation can no longer "
                                           "be pleaded [%(article)s]", article=rules.source("revival"))
            line.limitation_explanation = text

    # === Constraints === #
    def init(self):
        res = super().init()
        # Backstop of _check_invoice against concurrent transactions: an invoice is in one open case at most.
        if not index_exists(self.env.cr, OPEN_MOVE_INDEX):
            self.env.cr.execute(SQL("CREATE UNIQUE INDEX %s ON %s (move_id) WHERE case_open",
                                    SQL.identifier(OPEN_MOVE_INDEX), SQL.identifier(self._table)))
        return res

    @api.constrains("move_id", "case_id")
    def _check_invoice(self):
        for line in self:
            move, case = line.move_id, line.case_id
            if move.move_type != "out_invoice" or move.state != "posted":
                raise ValidationError(self.env._("%s is not a posted customer invoice.", move.display_name))
            if move.commercial_partner_id != case.partner_id:
                raise ValidationError(self.env._("%(invoice)s is not an invoice of %(debtor)s.",
                                                 invoice=move.name, debtor=case.partner_id.name))
            if move.currency_id != case.currency_id:
                raise ValidationError(self.env._(
                    "%(invoice)s is in %(currency)s; the case %(case)s claims in %(case_currency)s.",
                    invoice=move.name, currency=move.currency_id.name, case=case.name,
                    case_currency=case.currency_id.name))

    @api.constrains("move_id")
    def _check_invoice_open(self):
        """Only when an invoice is claimed: a claimed invoice paid afterwards stays in its case (recovered)."""
        for line in self:
            if line.move_id.currency_id.is_zero(line.move_id.amount_residual):
                raise ValidationError(self.env._("%(invoice)s is paid in full: there is nothing to claim.",
                                                 invoice=line.move_id.display_name))

    @api.constrains("amount_claimed", "interest_amount", "compensation_amount")
    def _check_amounts_not_negative(self):
        for line in self:
            if min(line.amount_claimed, line.interest_amount, line.compensation_amount) < 0:
                raise ValidationError(self.env._("The amounts claimed on %(invoice)s cannot be negative.",
                                                 invoice=line.move_id.display_name))

    @api.model
    def _ensure_moves_free(self, move_ids, exclude_ids=()):
        """Refuse, before anything is written, an invoice that another open case claims (or claimed twice): an
        invoice is in one open case at most. The unique index on open lines is the backstop against races."""
        seen, twice = set(), set()
        for move_id in move_ids:
            (twice if move_id in seen else seen).add(move_id)
        taken = self.sudo().search([("move_id", "in", list(seen)), ("case_open", "=", True),
                                    ("id", "not in", list(exclude_ids))])
        if twice or taken:
            moves = self.env["account.move"].sudo().browse(twice) | taken.move_id
            raise ValidationError(self.env._(
                "%(invoices)s is already claimed in the open legal case %(cases)s: an invoice is claimed in one "
                "open case at most.", invoices=", ".join(moves.mapped("name")),
                cases=", ".join(taken.case_id.mapped("name")) or self.env._("being opened")))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        moves = self.env["account.move"].browse([vals["move_id"] for vals in vals_list if vals.get("move_id")])
        closed = self.env["collection.case"].browse({vals.get("case_id") for vals in vals_list}).filtered("is_closed")
        self._ensure_moves_free([vals["move_id"] for vals in vals_list
                                 if vals.get("move_id") and vals.get("case_id") not in closed.ids])
        for vals in vals_list:
            if vals.get("move_id") and "amount_claimed" not in vals:
                vals["amount_claimed"] = moves.browse(vals["move_id"]).amount_residual
        lines = super().create(vals_list)
        lines.case_id._sync_litigation_pause()
        return lines

    def write(self, vals):
        if vals.get("move_id"):
            self._ensure_moves_free([vals["move_id"]] * len(self.filtered("case_open")), exclude_ids=self.ids)
        res = super().write(vals)
        if "move_id" in vals:
            self.case_id._sync_litigation_pause()
        return res

    def unlink(self):
        cases = self.case_id
        res = super().unlink()
        cases.exists()._sync_litigation_pause()
        return res
