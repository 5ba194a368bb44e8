import math

from odoo import api, fields, models
from odoo.exceptions import UserError

APPROVAL_ACTIVITY = "account_collection_litigation.mail_activity_type_collection_approval"
# Who asked, who decided and where a request stands change only through the steps below, which set this context
# key: a write through the API (or an import) cannot mark a request approved, nor make someone else its requester.
APPROVAL_TRANSITION = "collection_approval_transition"
APPROVAL_FIELDS = ("state", "requested_by_id", "requested_on", "approver_id", "approved_by_id", "approved_on")


class CollectionApprovalMixin(models.AbstractModel):
    """The one approval of the addon, for everything that needs a second person (arrangements, payment plans,
    interest waivers, write-offs; the stop-loss decision of a case asks `_approval_refusal` too).

    The authority matrix (collection.authority) says which level may approve a kind of request up to which amount;
    the amount is the one the books give (`_approval_amount`), never one typed. Within the requester's own
    authority a request is approved at once (`_approval_needs_second`); above it, it waits for
    someone of the lowest level that may approve it (an activity tells them). Four eyes: nobody decides their own
    request, whatever their level. Who requested, approved or refused what, and when, is kept.

    The model has company_id, partner_id and a state with 'draft' (or `_approval_draft_states`), 'to_approve' and
    'refused'."""

    _name = "collection.approval.mixin"
    _description = "Collection Approval"
    # a group the decider must hold besides the matrix level (write-offs: a legal manager), as an xmlid
    _approval_group = None
    _approval_draft_states = ("draft",)
    _approval_activity = APPROVAL_ACTIVITY

    # === Fields === #
    company_id = fields.Many2one("res.company")   # the model's own company (related to its customer file)
    requested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    requested_on = fields.Datetime(readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", string="Waiting For", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_on = fields.Datetime(readonly=True, copy=False)
    refusal_reason = fields.Text(copy=False, help="Written by whoever refuses the request.")
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    approval_amount = fields.Monetary(
        compute="_compute_approval_amount", currency_field="company_currency_id", string="Amount at Stake",
        help="What the authority matrix compares with its limits, in the company's currency, from the books.",
    )
    can_approve = fields.Boolean(compute="_compute_can_approve")

    # === Compute === #
    def _compute_approval_amount(self):
        for record in self:
            amount = record._approval_amount() or 0.0
            record.approval_amount = amount if math.isfinite(amount) else 0.0   # a waiver without bound

    @api.depends_context("uid")
    def _compute_can_approve(self):
        for record in self:
            record.can_approve = record.state == "to_approve" and not record._approval_error()

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            given = {name for name in APPROVAL_FIELDS if vals.get(name)} - {"state"}
            if vals.get("state") not in (None, *self._approval_draft_states):
                given.add("state")
            self._check_approval_write(given)
        return super().create(vals_list)

    def write(self, vals):
        self._check_approval_write(set(APPROVAL_FIELDS) & set(vals))
        return super().write(vals)

    def _check_approval_write(self, names):
        if names and not (self.env.context.get(APPROVAL_TRANSITION) or self.env.su):
            raise UserError(self.env._(
                "%(fields)s of a request change only through its buttons (submit, approve, refuse...), not by "
                "writing them.", fields=", ".join(self._fields[name].get_description(self.env)["string"]
                                                  for name in sorted(names))))

    def _approval_write(self, vals):
        return self.with_context(**{APPROVAL_TRANSITION: True}).write(vals)

    # === Hooks === #
    def _approval_kind(self):
        raise NotImplementedError

    def _approval_amount(self):
        """The amount at stake in the company's currency, from the books (never a figure the caller typed)."""
        raise NotImplementedError

    def _approval_label(self):
        self.ensure_one()
        return self.display_name

    def _check_approval_access(self):
        """Raise unless the current user may submit, approve or refuse requests of this model at all."""
        self.env["collection.customer"].check_access("write")

    def _check_before_submit(self):
        """Raise when the request is not complete enough to be approved."""

    def _check_figures(self):
        """Raise when a figure of the request does not match the books (checked at submit and at approval)."""

    def _approval_needs_second(self):
        """Whether the request waits for a second person; by default when above the requester's own authority."""
        self.ensure_one()
        return bool(self._approval_error(check_requester=False))

    def _on_approved(self):
        """Put the approved request in force."""

    # === Actions === #
    def action_submit(self):
        self._check_approval_access()
        if any(record.state not in self._approval_draft_states for record in self):
            raise UserError(self.env._("Only a draft can be submitted."))
        self._check_before_submit()
        self._check_figures()
        self._approval_write({"requested_by_id": self.env.user.id, "requested_on": fields.Datetime.now()})
        own = self.filtered(lambda r: not r._approval_needs_second())
        own._approve(self.env._("within the requester's own authority"))
        for record in self - own:
            record._request_approval()
        return True

    def action_approve(self):
        self._check_approval_access()
        pending = self.filtered(lambda r: r.state == "to_approve")
        if not pending:
            raise UserError(self.env._("Nothing here waits for an approval."))
        for record in pending:
            if error := record._approval_error():
                raise UserError(error)
        pending._check_figures()
        pending._approve()
        return True

    def action_refuse(self):
        self._check_approval_access()
        pending = self.filtered(lambda r: r.state == "to_approve")
        for record in pending:
            if error := record._approval_error():
                raise UserError(error)
        for record in pending:
            reason = record.refusal_reason or self.env._("no reason given")
            record._approval_write({"state": "refused", "refusal_reason": reason, "approver_id": False})
            record._log_approval(self.env._("%(what)s refused by %(user)s: %(reason)s"), reason=reason)
        pending._close_approval_activities()
        return True

    # === Business === #
    def _approval_error(self, user=None, check_requester=True):
        """Why `user` (default: the current one) may not decide this request, or False when they may."""
        self.ensure_one()
        return self._approval_refusal(
            self._approval_kind(), self._approval_amount(), self.company_id, self._approval_label(),
            requested_by=self.requested_by_id if check_requester else None, user=user, group=self._approval_group)

    @api.model
    def _approval_refusal(self, kind, amount, company, label, requested_by=None, user=None, group=None):
        """Why `user` may not decide a request of `kind` for `amount` (company currency) requested by
        `requested_by`, as a message naming what is missing (four eyes, the group, the matrix level); False when
        they may. Every approval of the addon asks this one rule."""
        user = user or self.env.user
        authority = self.env["collection.authority"]
        if requested_by and user == requested_by:
            return self.env._(
                "%(what)s was requested by %(user)s: a second person decides it, whatever the requester's level: "
                "someone else holding %(needed)s.", what=label, user=requested_by.name,
                needed=self._approval_needed(kind, amount, company, group))
        if group and not user.has_group(group):
            return self.env._("Deciding %(what)s needs the group %(group)s.",
                              what=label, group=self.env.ref(group).sudo().full_name)
        if authority._authority_check(kind, amount, user, company):
            return False
        if not authority._required_level(kind, amount, company):
            return self.env._(
                "Nobody may approve %(what)s: no level of the authority matrix of %(company)s covers it.",
                what=label, company=company.name)
        return self.env._("%(what)s needs %(needed)s; you do not hold it.", what=label,
                          needed=self._approval_needed(kind, amount, company))

    @api.model
    def _approval_needed(self, kind, amount, company, group=None):
        """What a person deciding a request of `kind` for `amount` holds, in words: the group (an xmlid) if any,
        and the lowest level of the company's authority matrix that covers it, with its limit."""
        needed = [self.env._("the group %(group)s", group=self.env.ref(group).sudo().full_name)] if group else []
        if required := self.env["collection.authority"]._required_level(kind, amount, company):
            level, limit = required
            needed.append(self.env._(
                "the level %(level)s of the authority matrix of %(company)s (%(limit)s)", level=level.full_name,
                company=company.name, limit=self.env._("without limit") if limit is None
                else self.env._("up to %(limit)s", limit=company.currency_id.format(float(limit)))))
        return self.env._(" and ").join(needed) if needed else self.env._("a level of the authority matrix")

    def _request_approval(self):
        self.ensure_one()
        kind, amount = self._approval_kind(), self._approval_amount()
        file = self.customer_id if "customer_id" in self._fields else None
        prefer = file.policy_id.supervisor_id if file else self.env["res.users"]
        approvers = self.env["collection.authority"]._approvers(
            kind, amount, self.company_id, prefer=prefer, exclude=self.env.user, group=self._approval_group)
        if not approvers:
            required = self.env["collection.authority"]._required_level(kind, amount, self.company_id)
            raise UserError(self.env._(
                "Nobody but you may approve %(what)s: give the level %(level)s of the authority matrix of "
                "%(company)s to a second person.", what=self._approval_label(),
                level=required[0].full_name, company=self.company_id.name,
            ) if required else self.env._(
                "Nobody may approve %(what)s: complete the authority matrix of %(company)s.",
                what=self._approval_label(), company=self.company_id.name,
            ))
        approver = approvers[:1]
        self._approval_write({"state": "to_approve", "approver_id": approver.id})
        self.sudo().activity_schedule(
            self._approval_activity, user_id=approver.id,
            summary=self.env._("Approve: %(what)s", what=self._approval_label()),
            note=self.env._("Requested by %(user)s; a second person decides.", user=self.env.user.name),
        )
        self._log_approval(self.env._("%(what)s requested by %(user)s, waiting for %(approver)s"),
                           approver=approver.name)

    def _approve(self, note=None):
        if not self:
            return
        self._approval_write({"approved_by_id": self.env.user.id, "approved_on": fields.Datetime.now(),
                              "approver_id": False, "refusal_reason": False})
        self._close_approval_activities()
        self._log_approval(self.env._("%(what)s approved by %(user)s"), suffix=note)
        self.with_context(**{APPROVAL_TRANSITION: True})._on_approved()

    def _close_approval_activities(self):
        self.sudo().activity_unlink([self._approval_activity])

    def _log_approval(self, template, suffix=None, **values):
        """One history row per record (the evidence of who decided what, and when)."""
        self.env["collection.history"]._log(self, "approval", note=lambda record: (
            template % {"what": record._approval_label(), "user": self.env.user.name, **values}
            + (f" ({suffix})" if suffix else "")))
