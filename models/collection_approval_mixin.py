from odoo import api, fields, models
from odoo.exceptions import UserError

APPROVAL_ACTIVITY = "account_collection_litigation.mail_activity_type_collection_approval"


class CollectionApprovalMixin(models.AbstractModel):
    """Approval by authority for arrangements (payment plans and the others): within the requester's authority
    an arrangement is approved at once, above it it waits for someone of the lowest level that may approve it
    (an activity tells them). Who requested, approved or refused what, and when, is kept in the history.

    The model has company_id, customer_id, partner_id and a state with 'draft', 'to_approve' and 'refused'."""

    _name = "collection.approval.mixin"
    _description = "Collection Approval"

    # === Fields === #
    company_id = fields.Many2one("res.company")   # the model's own company (related to its customer file)
    requested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    requested_on = fields.Datetime(readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", string="Waiting For", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_on = fields.Datetime(readonly=True, copy=False)
    refusal_reason = fields.Text(copy=False, help="Written by whoever refuses the arrangement.")
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    approval_amount = fields.Monetary(
        compute="_compute_approval_amount", currency_field="company_currency_id", string="Amount at Stake",
        help="What the authority matrix compares with its limits, in the company's currency.",
    )
    can_approve = fields.Boolean(compute="_compute_can_approve")

    # === Compute === #
    def _compute_approval_amount(self):
        for record in self:
            record.approval_amount = record._approval_amount()

    @api.depends_context("uid")
    def _compute_can_approve(self):
        authority = self.env["collection.authority"]
        for record in self:
            record.can_approve = record.state == "to_approve" and authority._authority_check(
                record._approval_kind(), record._approval_amount(), company=record.company_id)

    # === Hooks === #
    def _approval_kind(self):
        raise NotImplementedError

    def _approval_amount(self):
        """The amount at stake in the company's currency."""
        raise NotImplementedError

    def _approval_label(self):
        self.ensure_one()
        return self.display_name

    def _check_before_submit(self):
        """Raise when the arrangement is not complete enough to be approved."""

    def _on_approved(self):
        """Put the approved arrangement in force."""

    # === Actions === #
    def action_submit(self):
        self.env["collection.customer"].check_access("write")
        if any(record.state != "draft" for record in self):
            raise UserError(self.env._("Only a draft arrangement can be submitted."))
        self._check_before_submit()
        self.write({"requested_by_id": self.env.user.id, "requested_on": fields.Datetime.now()})
        authority = self.env["collection.authority"]
        own = self.filtered(lambda r: authority._authority_check(r._approval_kind(), r._approval_amount(),
                                                                 company=r.company_id))
        own._approve(self.env._("within the requester's own authority"))
        for record in self - own:
            record._request_approval()
        return True

    def action_approve(self):
        authority = self.env["collection.authority"]
        pending = self.filtered(lambda r: r.state == "to_approve")
        if not pending:
            raise UserError(self.env._("Nothing here waits for an approval."))
        for record in pending:
            if not authority._authority_check(record._approval_kind(), record._approval_amount(),
                                              company=record.company_id):
                raise UserError(self.env._(
                    "%(what)s is above your authority: it waits for %(who)s.",
                    what=record._approval_label(), who=record.approver_id.name or self.env._("a higher level"),
                ))
        pending._approve()
        return True

    def action_refuse(self):
        authority = self.env["collection.authority"]
        pending = self.filtered(lambda r: r.state == "to_approve")
        for record in pending:
            if not authority._authority_check(record._approval_kind(), record._approval_amount(),
                                              company=record.company_id):
                raise UserError(self.env._("Only someone who may approve it may refuse it."))
        for record in pending:
            reason = record.refusal_reason or self.env._("no reason given")
            record.write({"state": "refused", "refusal_reason": reason})
            record._log_approval(self.env._("%(what)s refused by %(user)s: %(reason)s"), reason=reason)
        pending._close_approval_activities()
        return True

    # === Business === #
    def _request_approval(self):
        self.ensure_one()
        kind, amount = self._approval_kind(), self._approval_amount()
        file = self.customer_id
        prefer = file.policy_id.supervisor_id if file else self.env["res.users"]
        approvers = self.env["collection.authority"]._approvers(kind, amount, self.company_id, prefer=prefer)
        if not approvers:
            raise UserError(self.env._(
                "Nobody may approve %(what)s: complete the authority matrix of %(company)s.",
                what=self._approval_label(), company=self.company_id.name,
            ))
        approver = approvers[:1]
        self.write({"state": "to_approve", "approver_id": approver.id})
        self.sudo().activity_schedule(
            APPROVAL_ACTIVITY, user_id=approver.id,
            summary=self.env._("Approve: %(what)s", what=self._approval_label()),
            note=self.env._("Requested by %(user)s; above their authority.", user=self.env.user.name),
        )
        self._log_approval(self.env._("%(what)s requested by %(user)s, waiting for %(approver)s"),
                           approver=approver.name)

    def _approve(self, note=None):
        if not self:
            return
        self.write({"approved_by_id": self.env.user.id, "approved_on": fields.Datetime.now(), "approver_id": False,
                    "refusal_reason": False})
        self._close_approval_activities()
        self._log_approval(self.env._("%(what)s approved by %(user)s"), suffix=note)
        self._on_approved()

    def _close_approval_activities(self):
        self.sudo().activity_unlink([APPROVAL_ACTIVITY])

    def _log_approval(self, template, suffix=None, **values):
        """One history row per record (the evidence of who decided what, and when)."""
        self.env["collection.history"]._log(self, "approval", note=lambda record: (
            template % {"what": record._approval_label(), "user": self.env.user.name, **values}
            + (f" ({suffix})" if suffix else "")))
