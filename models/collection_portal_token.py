from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.portal import hash_token, new_token, token_usable


class CollectionPortalToken(models.Model):
    """A link that opens one customer's collection page without a login: every letter and reminder carries a
    fresh one. Only the token's hash is stored; a link expires after the policy's validity and can be revoked."""

    _name = "collection.portal.token"
    _description = "Collection Portal Link"
    _order = "id desc"
    _check_company_auto = True

    # === Fields === #
    customer_id = fields.Many2one("collection.customer", string="Customer File", required=True, readonly=True,
                                  index=True, ondelete="cascade", check_company=True)
    partner_id = fields.Many2one(related="customer_id.partner_id", store=True, string="Customer")
    company_id = fields.Many2one(related="customer_id.company_id", store=True, index=True)
    token_hash = fields.Char(required=True, readonly=True, index=True, copy=False, groups="base.group_system")
    expires_at = fields.Datetime(string="Expires", required=True, readonly=True)
    revoked = fields.Boolean(readonly=True, copy=False)
    revoked_at = fields.Datetime(readonly=True, copy=False)
    revoked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    last_used_at = fields.Datetime(readonly=True, copy=False)
    use_count = fields.Integer(readonly=True, copy=False)
    purpose = fields.Char(readonly=True, help="What carried the link: a letter, an email, a manual share.")
    state = fields.Selection([("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")],
                             compute="_compute_state")

    _sql_constraints = [
        ("token_hash_unique", "UNIQUE(token_hash)", "A link token is unique."),
    ]

    # === Compute === #
    @api.depends("expires_at", "revoked")
    def _compute_state(self):
        now = fields.Datetime.now()
        for token in self:
            token.state = ("revoked" if token.revoked else
                           "valid" if token_usable(token.expires_at, token.revoked, now) else "expired")

    # === Actions === #
    def action_revoke(self):
        self.env["collection.customer"].check_access("write")
        live = self.filtered(lambda t: not t.revoked)
        live.sudo().write({"revoked": True, "revoked_at": fields.Datetime.now(), "revoked_by_id": self.env.uid})
        for token in live:
            token.customer_id.message_post(body=self.env._(
                "Portal link of %(date)s revoked.", date=fields.Datetime.to_string(token.create_date)))
        return True

    # === Business === #
    @api.model
    def _issue(self, customer, purpose=None, lifetime=None):
        """A new link token for a customer file: returns the raw token, which is shown once and never stored."""
        customer.ensure_one()
        return self._issue_many([(customer, purpose)], lifetime=lifetime)[0]

    @api.model
    def _issue_many(self, requests, lifetime=None):
        """New link tokens for [(customer file, purpose)], created in one batch: the raw tokens, in order. They
        are valid for `lifetime` (a timedelta) when given, else for the days of each file's policy."""
        if not requests:
            return []
        files = self.env["collection.customer"].union(*(customer for customer, _purpose in requests))
        policies = files._work_policies()
        now = fields.Datetime.now()
        raws = [new_token() for _request in requests]
        self.sudo().create([{
            "customer_id": customer.id, "token_hash": hash_token(raw), "purpose": purpose,
            "expires_at": now + (lifetime or timedelta(days=policies[customer.id].portal_link_days or 30)),
        } for (customer, purpose), raw in zip(requests, raws, strict=True)])
        return raws

    @api.model
    def _resolve(self, raw):
        """The usable token record matching a raw token, else an empty recordset (unknown, expired, revoked)."""
        if not raw or not isinstance(raw, str):
            return self.browse()
        token = self.sudo().search([("token_hash", "=", hash_token(raw))], limit=1)
        if not token or not token_usable(token.expires_at, token.revoked, fields.Datetime.now()):
            return self.browse()
        return token

    def _touch(self):
        """Record a use of the link (set-based: the counter moves in SQL, no read-modify-write race)."""
        if self:
            self.env.cr.execute(SQL(
                "UPDATE collection_portal_token SET last_used_at = now() at time zone 'UTC', "
                "use_count = COALESCE(use_count, 0) + 1 WHERE id IN %s", tuple(self.ids)))
            self.invalidate_recordset(["last_used_at", "use_count"])
