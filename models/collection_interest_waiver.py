from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

WAIVER_STATES = [
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("refused", "Refused"),
    ("reversed", "Reversed"),
]
MANAGER_GROUP = "account_collection_litigation.group_collection_manager"
APPROVAL_ACTIVITY = "account_collection_litigation.mail_activity_type_collection_waiver_approval"
# What a waiver waives and where it stands change only through the actions below, which set this context key.
TRANSITION_KEY = "collection_waiver_transition"
PROTECTED_FIELDS = {"move_id", "amount", "share", "state", "approved_by_id", "approved_on", "user_id"}


class CollectionInterestWaiver(models.Model):
    """Interest and compensation given up on one invoice: a record kept in the history, reversible. Above the
    policy's limit, counted over what the waiver can remove in its whole life, it waits for a collection manager."""

    _name = "collection.interest.waiver"
    _description = "Interest Waiver"
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
            # Every waiver starts as a request; _settle_requests decides, whatever the caller passed.
            vals.update(state="to_approve", approved_by_id=False, approved_on=False)
        waivers = super().create(vals_list)
        waivers._settle_requests(figures)
        return waivers

    def write(self, vals):
        if PROTECTED_FIELDS & set(vals) and not (self.env.context.get(TRANSITION_KEY) or self.env.su):
            raise UserError(self.env._(
                "A waiver cannot be changed once requested: reverse it and request a new one. Approving and "
                "refusing go through their buttons."))
        return super().write(vals)

    # === Actions === #
    def action_approve(self):
        self._check_manager()
        pending = self.filtered(lambda w: w.state == "to_approve")
        figures = pending.move_id._collection_interest(raise_errors=False)
        escalation = self.env["collection.escalation"]
        waived_now = defaultdict(float)
        for waiver in pending:
            if not waiver._within_authority(waiver._approval_total(
                    self._figures(waiver.move_id, figures), [], escalation._today(waiver.company_id))):
                raise UserError(self.env._(
                    "Waiving %(what)s on %(invoice)s is above your authority in the authority matrix: a higher level "
                    "approves it.", what=waiver._what(), invoice=waiver.move_id.display_name))
            # Other waivers may have been approved since the request: it must still fit what is claimable.
            values = self._figures(waiver.move_id, figures)
            self._check_claimable(waiver.move_id, waiver.amount, values, waived_now[waiver.move_id.id])
            waived_now[waiver.move_id.id] += waiver._value(values["gross"])
        pending._mark_approved(feedback=self.env._("Approved"))
        return True

    def action_refuse(self):
        self._check_manager()
        pending = self.filtered(lambda w: w.state == "to_approve")
        pending._transition({"state": "refused", "approved_by_id": self.env.user.id,
                             "approved_on": fields.Datetime.now()})
        pending.activity_feedback([APPROVAL_ACTIVITY], feedback=self.env._("Refused"))
        return True

    def action_reverse(self):
        self.env["collection.customer"].check_access("write")
        approved = self.filtered(lambda w: w.state == "approved")
        pending = self.filtered(lambda w: w.state == "to_approve")
        (approved | pending)._transition({"state": "reversed"})
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
        """Approve the new waivers within the limit (all of them for a manager), leave the others waiting for a
        collection manager with an activity. `figures` are the invoices' interest figures before these waivers."""
        escalation = self.env["collection.escalation"]
        is_manager = self.env.user.has_group(MANAGER_GROUP)
        committed_now = defaultdict(list)
        approved, pending = self.browse(), self.browse()
        for waiver in self:
            values = figures[waiver.move_id.id]
            move_id = waiver.move_id.id
            total = waiver._approval_total(values, committed_now[move_id], escalation._today(waiver.company_id))
            # within the policy's limit for anyone, above it for a manager; always within the requester's
            # authority in the matrix, the levels the write-off and the arrangements use too
            within_limit = total is not None and not waiver._exceeds_limit(total, values)
            if (is_manager or within_limit) and waiver._within_authority(total):
                approved |= waiver
                committed_now[move_id].append(waiver._lifetime_value(values["bound"]))
            else:
                pending |= waiver
        approved._mark_approved()
        pending._request_approval(figures)

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

    def _exceeds_limit(self, total, values):
        """Whether `total` (company currency) is above the policy's waiver limit."""
        self.ensure_one()
        policy = values["policy"]
        company = self.move_id.company_id
        # the limit is in the currency of the policy's company (a branch may follow its parent's policy)
        limit = (policy.currency_id or company.currency_id)._convert(
            policy.interest_waiver_limit, company.currency_id, company,
            self.env["collection.escalation"]._today(company))
        return float_compare(total, limit, precision_rounding=company.currency_id.rounding) > 0

    def _within_authority(self, total, user=None):
        """Whether `user` (the current one) may approve a waiver that removes `total` (company currency) over its
        life, by the authority matrix; a share without bound needs a level without limit, or a collection
        manager, who answers for the policies."""
        self.ensure_one()
        user = user or self.env.user
        if total is None:
            return user.has_group(MANAGER_GROUP) or self.env["collection.authority"]._authority_check(
                "interest_waiver", float("inf"), user, self.company_id)
        return self.env["collection.authority"]._authority_check("interest_waiver", total, user, self.company_id)

    def _mark_approved(self, feedback=None):
        if not self:
            return
        self._transition({"state": "approved", "approved_by_id": self.env.user.id,
                          "approved_on": fields.Datetime.now()})
        self.activity_feedback([APPROVAL_ACTIVITY], feedback=feedback)
        self._log("waiver", note=feedback)

    def _request_approval(self, figures):
        """One activity per waiver, for one collection manager with enough authority in the matrix (not one per
        manager): the policy's supervisor when such a manager of the waiver's company, else the first one."""
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
                                           and waiver._within_authority(total, u))
            approver = supervisor if supervisor in candidates else candidates[:1]
            if not approver:
                continue    # no manager in the company: the waiver waits in the list, under "To Approve"
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

    def _transition(self, vals):
        return self.with_context(**{TRANSITION_KEY: True}).write(vals)

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(self.env._("Only a collection manager approves or refuses an interest waiver."))

    def _log(self, event, note=None):
        self.env["collection.history"]._log(
            self, event, note=lambda w: (f"{note} · " if note else "") + f"{w._what()} · {w.reason}")
