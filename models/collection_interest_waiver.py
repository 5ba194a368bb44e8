from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .collection_approval_mixin import APPROVAL_TRANSITION

WAIVER_STATES = [
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("refused", "Refused"),
    ("reversed", "Reversed"),
]
MANAGER_GROUP = "account_collection_litigation.group_collection_manager"
APPROVAL_ACTIVITY = "account_collection_litigation.mail_activity_type_collection_waiver_approval"
# What a waiver waives and where it stands change only through the approval's steps (the mixin's context key).
PROTECTED_FIELDS = {"move_id", "amount", "share", "state", "approved_by_id", "approved_on", "user_id"}


class CollectionInterestWaiver(models.Model):
    """Interest and compensation given up on one invoice: a record kept in the history, reversible. A request from
    its creation: within the requester's authority in the matrix (collection.approval.mixin), counted over what the
    waiver can remove in its whole life, it is approved at once; above it, a second person of the right level
    approves it. A share of interest running without a cap has no bound: a collection manager or a level without
    limit approves it."""

    _name = "collection.interest.waiver"
    _description = "Interest Waiver"
    _inherit = ["mail.thread", "mail.activity.mixin", "collection.approval.mixin"]
    _approval_draft_states = ()        # no draft: created as a request
    _approval_activity = APPROVAL_ACTIVITY
    _order = "id desc"
    _check_company_auto = True

    # === Fields === #
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True, ondelete="cascade",
                              check_company=True, domain=[("move_type", "=", "out_invoice"), ("state", "=", "posted")])
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True, string="Customer")
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount = fields.Monetary(help="Amount waived, at most what is claimable today; leave empty to waive a share "
                             "instead.")
    share = fields.Float(string="Share (%)", digits=(5, 2),
                         help="Share of the interest and compensation waived, including what accrues later.")
    reason = fields.Text(required=True)
    user_id = fields.Many2one("res.users", string="Requested By", readonly=True, default=lambda self: self.env.user)
    state = fields.Selection(WAIVER_STATES, required=True, readonly=True, default="to_approve", tracking=True)
    requested_by_id = fields.Many2one(related="user_id", string="Requester")
    approved_by_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    approved_on = fields.Datetime(string="Decided On", readonly=True)
    max_value = fields.Monetary(
        string="Most It Can Waive", compute="_compute_max_value",
        help="What this waiver can remove over its whole life: its amount; for a share, the share of the most the "
        "invoice can ever claim (its cap plus compensation, or the final figure once it is paid).",
    )
    max_value_open_ended = fields.Boolean(
        string="No Upper Bound", compute="_compute_max_value",
        help="A share of interest that keeps running without a cap: what it waives grows every day.",
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A waived amount cannot be negative."),
        ("share_range", "CHECK(share >= 0 AND share <= 100)", "A waived share lies between 0 and 100%."),
    ]

    # === Compute === #
    @api.depends("move_id", "amount", "share")
    def _compute_max_value(self):
        figures = self.move_id._collection_interest(raise_errors=False)
        for waiver in self:
            values = figures.get(waiver.move_id.id)
            value = waiver._lifetime_value(values["bound"]) if values else waiver.amount
            waiver.max_value = value or 0.0
            waiver.max_value_open_ended = value is None

    # === Constraints === #
    @api.constrains("amount", "share")
    def _check_amount_or_share(self):
        for waiver in self:
            if bool(waiver.amount) == bool(waiver.share):
                raise ValidationError(self.env._("Waive either an amount or a share, not both, not neither."))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        # Refuse an amount above what is claimable before anything is written.
        moves = self.env["account.move"].browse({vals["move_id"] for vals in vals_list if vals.get("move_id")})
        figures = moves._collection_interest(raise_errors=False)
        waived_before = defaultdict(float)
        for vals in vals_list:
            move = moves.browse(vals.get("move_id"))
            if not move:
                continue    # the required field refuses it
            values = self._figures(move, figures)
            amount, share = vals.get("amount") or 0.0, vals.get("share") or 0.0
            self._check_claimable(move, amount, values, waived_before[move.id])
            waived_before[move.id] += amount or values["gross"] * share / 100
            # Every waiver starts as a request of the current user; _settle_requests decides, whatever the caller
            # passed (a request made in someone else's name could be approved by its author: four eyes).
            vals.update(state="to_approve", approved_by_id=False, approved_on=False, user_id=self.env.uid)
        waivers = super(CollectionInterestWaiver, self.with_context(**{APPROVAL_TRANSITION: True})).create(vals_list)
        waivers = waivers.with_env(self.env)
        waivers._settle_requests(figures)
        return waivers

    def write(self, vals):
        if PROTECTED_FIELDS & set(vals) and not (self.env.context.get(APPROVAL_TRANSITION) or self.env.su):
            raise UserError(self.env._(
                "A waiver cannot be changed once requested: reverse it and request a new one. Approving and "
                "refusing go through their buttons."))
        return super().write(vals)

    # === Actions === #
    def action_reverse(self):
        self.env["collection.customer"].check_access("write")
        approved = self.filtered(lambda w: w.state == "approved")
        pending = self.filtered(lambda w: w.state == "to_approve")
        (approved | pending)._approval_write({"state": "reversed"})
        # A request withdrawn before approval never waived anything: only its activity goes.
        pending.activity_unlink([APPROVAL_ACTIVITY])
        approved._log("waiver_reversed")
        return True

    # === Business === #
    def _value(self, claim):
        """The amount this waiver takes off a claim (interest plus compensation) in the invoice currency."""
        self.ensure_one()
        return min(claim, self.amount) if self.amount else claim * self.share / 100

    def _lifetime_value(self, bound):
        """The most this waiver can remove over its life, in the invoice currency, given the most the invoice can
        ever claim (`bound`); None when that has no upper bound and the waiver is a share."""
        self.ensure_one()
        if self.amount:
            return self.amount if bound is None else min(self.amount, bound)
        return None if bound is None else bound * self.share / 100

    @api.model
    def _figures(self, move, figures):
        """The interest figures of `move`, refusing an invoice interest is not computed on."""
        if move.id not in figures:
            raise UserError(self.env._("Interest is waived on posted customer invoices only, not on %(move)s.",
                                       move=move.display_name))
        return figures[move.id]

    @api.model
    def _check_claimable(self, move, amount, values, waived_before=0.0):
        """Refuse an amount above what is claimable on `move` today (after the approved waivers, the invoiced
        interest and `waived_before`, what the same batch waives first): the record would keep a figure nobody
        gave up. A share never takes more than the claim, so only amounts are checked."""
        if not amount:
            return
        currency = move.currency_id
        claimable = currency.round(max(0.0, values["claimable"] - waived_before))
        if currency.is_zero(claimable):
            raise UserError(self.env._(
                "There is no interest or compensation left to waive on %(invoice)s today.",
                invoice=move.display_name))
        if float_compare(amount, claimable, precision_rounding=currency.rounding) > 0:
            raise UserError(self.env._(
                "The waiver of %(amount)s is more than the interest and compensation claimable on %(invoice)s today, "
                "%(claimable)s. Waive at most %(claimable)s, or waive a share.",
                amount=currency.format(amount), invoice=move.display_name, claimable=currency.format(claimable)))

    def _settle_requests(self, figures):
        """Approve the new waivers within the requester's authority in the matrix, leave the others waiting for a
        second person with an activity. `figures` are the invoices' interest figures before these waivers."""
        escalation = self.env["collection.escalation"]
        committed_now = defaultdict(list)
        approved, pending = self.browse(), self.browse()
        for waiver in self:
            values = figures[waiver.move_id.id]
            move_id = waiver.move_id.id
            total = waiver._approval_total(values, committed_now[move_id], escalation._today(waiver.company_id))
            if not waiver._decision_error(total, check_requester=False):
                approved |= waiver
                committed_now[move_id].append(waiver._lifetime_value(values["bound"]))
            else:
                pending |= waiver
        approved._approve()
        pending._ask_approval(figures)

    def _approval_total(self, values, committed_now, today):
        """What this waiver, added to the waivers in force on the invoice, can remove over its life, in the
        company's currency: amounts count in full, shares as their part of the most the invoice can ever claim;
        None for a share of interest running without a cap, which has no bound."""
        self.ensure_one()
        move = self.move_id
        in_force = move.collection_waiver_ids.filtered(lambda w: w.state == "approved") - self
        lifetimes = [w._lifetime_value(values["bound"]) for w in in_force] + committed_now
        lifetimes.append(self._lifetime_value(values["bound"]))
        if any(value is None for value in lifetimes):
            return None
        return move.currency_id._convert(sum(lifetimes), move.company_id.currency_id, move.company_id, today)

    def _decision_error(self, total, user=None, check_requester=True):
        """The approval's rule (collection.approval.mixin) for a waiver removing `total` over its life; a share
        without bound (None) needs a level without limit, or a collection manager, who answers for the policies."""
        self.ensure_one()
        user = user or self.env.user
        requester = self.requested_by_id if check_requester else None
        if total is None and user.has_group(MANAGER_GROUP) and user != requester:
            return False
        return self._approval_refusal("interest_waiver", float("inf") if total is None else total, self.company_id,
                                      self._approval_label(), requested_by=requester, user=user)

    # === Approval === #
    def _approval_kind(self):
        return "interest_waiver"

    def _approval_amount(self):
        """What the waiver, with those in force on its invoice, can remove over its life (company currency)."""
        self.ensure_one()
        today = self.env["collection.escalation"]._today(self.company_id)
        values = self.move_id._collection_interest(today, raise_errors=False).get(self.move_id.id)
        if not values:
            return 0.0   # interest is no longer computed on the invoice: nothing left at stake
        total = self._approval_total(values, [], today)
        return float("inf") if total is None else total

    def _approval_label(self):
        self.ensure_one()
        return self.env._("Waiving %(what)s on %(invoice)s", what=self._what(), invoice=self.move_id.display_name)

    def _approval_error(self, user=None, check_requester=True):
        self.ensure_one()
        total = self._approval_amount()
        return self._decision_error(None if total == float("inf") else total, user, check_requester)

    def _check_figures(self):
        """Other waivers may have been approved since the request: each must still fit what is claimable."""
        figures = self.move_id._collection_interest(raise_errors=False)   # each invoice on its company's day
        waived_now = defaultdict(float)
        for waiver in self:
            values = self._figures(waiver.move_id, figures)
            self._check_claimable(waiver.move_id, waiver.amount, values, waived_now[waiver.move_id.id])
            waived_now[waiver.move_id.id] += waiver._value(values["gross"])

    def _on_approved(self):
        self._approval_write({"state": "approved"})
        self._log("waiver", note=self.env._("Approved") if self.env.user != self.user_id else None)

    def _log_approval(self, template, suffix=None, **values):
        """The waiver's own history events say who waived what (event 'waiver')."""

    def _ask_approval(self, figures):
        """One activity per waiver, for one collection manager who may approve it (never its requester; not one
        per manager): the policy's supervisor when such a manager of the waiver's company, else the first one."""
        if not self:
            return
        managers = self.env.ref(MANAGER_GROUP).sudo().users.filtered(lambda u: not u.share).sorted("id")
        activity_type = self.env.ref(APPROVAL_ACTIVITY)
        model_id = self.env["ir.model"]._get_id(self._name)
        escalation = self.env["collection.escalation"]
        vals_list = []
        for waiver in self:
            supervisor = figures[waiver.move_id.id]["policy"].supervisor_id
            today = escalation._today(waiver.company_id)
            total = waiver._approval_total(figures[waiver.move_id.id], [], today)
            candidates = managers.filtered(lambda u, waiver=waiver, total=total: waiver.company_id in u.company_ids
                                           and not waiver._decision_error(total, u))
            approver = supervisor if supervisor in candidates else candidates[:1]
            if not approver:
                continue    # no manager in the company: the waiver waits in the list, under "To Approve"
            waiver._approval_write({"approver_id": approver.id})
            vals_list.append({
                "activity_type_id": activity_type.id, "res_model_id": model_id, "res_id": waiver.id,
                "user_id": approver.id, "date_deadline": today, "automated": True,
                "summary": activity_type.summary,
                "note": Markup("<p>%s</p>") % self.env._(
                    "%(requester)s asks to waive %(what)s of the interest on %(invoice)s: %(reason)s",
                    requester=waiver.user_id.name, what=waiver._what(), invoice=waiver.move_id.display_name,
                    reason=waiver.reason),
            })
        self.env["mail.activity"].create(vals_list)

    def _what(self):
        self.ensure_one()
        return self.currency_id.format(self.amount) if self.amount else f"{self.share:g}%"

    def _log(self, event, note=None):
        self.env["collection.history"]._log(
            self, event, note=lambda w: (f"{note} · " if note else "") + f"{w._what()} · {w.reason}")
