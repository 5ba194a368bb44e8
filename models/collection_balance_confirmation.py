import base64
import json

from odoo import api, fields, models
from odoo.exceptions import UserError

CONFIRMATION_STATES = [
    ("draft", "Waiting for signature"),
    ("signed", "Signed"),
]
# Once signed a confirmation is evidence: only the signing itself completes these (its PDF and its event).
SIGNING_FIELDS = {"attachment_id", "limitation_event_id", "message_main_attachment_id"}


class CollectionBalanceConfirmation(models.Model):
    """A balance confirmation (对账确认) signed by the debtor on the portal: the exact figures as of a day, the
    signer's typed name, role and drawn signature, the time, the IP address and the SHA-256 of the figures shown.

    The debtor agreeing to the debt interrupts limitation (PRC Civil Code Art. 195) and, after expiry, bars the
    limitation defence (Art. 192): signing records a limitation interruption on every invoice it covers, with the
    signed PDF as its proof."""

    _name = "collection.balance.confirmation"
    _description = "Balance Confirmation"
    _inherit = ["collection.customer.mixin", "mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    # === Fields === #
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Balance As Of", required=True, readonly=True)
    move_ids = fields.Many2many("account.move", "collection_balance_confirmation_move_rel", "confirmation_id",
                                "move_id", string="Invoices", readonly=True, check_company=True)
    amount_total = fields.Monetary(string="Balance Confirmed", readonly=True, help="In the company's currency.")
    figures = fields.Text(readonly=True, help="The figures shown to the debtor, as signed (JSON).")
    content_hash = fields.Char(string="SHA-256 of the Figures", readonly=True, index=True)
    signer_role = fields.Char(string="Role", required=True, readonly=True)
    signer_name = fields.Char(string="Signed By", readonly=True)
    signature = fields.Image(max_width=1024, max_height=1024, readonly=True, attachment=True)
    signed_on = fields.Datetime(readonly=True)
    ip_address = fields.Char(string="IP Address", readonly=True)
    user_agent = fields.Char(readonly=True)
    signed_by_id = fields.Many2one("res.users", string="Portal User", readonly=True,
                                   help="The portal user, or the public user when signed through a link.")
    token_id = fields.Many2one("collection.portal.token", string="Through Link", readonly=True,
                               index="btree_not_null", ondelete="set null")
    attachment_id = fields.Many2one("ir.attachment", string="Signed PDF", readonly=True)
    limitation_event_id = fields.Many2one("collection.limitation.event", check_company=True, readonly=True,
                                          index="btree_not_null")
    state = fields.Selection(CONFIRMATION_STATES, required=True, default="draft", readonly=True)

    # === Compute === #
    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for confirmation in self:
            confirmation.display_name = self.env._(
                "Balance confirmation of %(customer)s as of %(date)s", customer=confirmation.partner_id.name or "",
                date=fields.Date.to_string(confirmation.date) if confirmation.date else "")

    # === CRUD === #
    def write(self, vals):
        allowed = SIGNING_FIELDS if self.env.context.get("collection_signing") else {"message_main_attachment_id"}
        if any(c.state == "signed" for c in self) and set(vals) - allowed:
            raise UserError(self.env._("A signed balance confirmation is evidence: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        if any(c.state == "signed" for c in self):
            raise UserError(self.env._("A signed balance confirmation is evidence: it cannot be deleted."))

    # === Business === #
    def _figures(self):
        self.ensure_one()
        return json.loads(self.figures or "{}")

    def _sign(self, name, signature, ip_address, user_agent=None):
        """Sign a draft: record who, when and from where, print the signed PDF on the customer file and record
        the acknowledgement as a limitation interruption of the invoices covered."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("This balance confirmation is signed already."))
        if not (name or "").strip() or not signature:
            raise UserError(self.env._("Type your name and draw your signature."))
        self.write({
            "signer_name": name.strip(), "signature": signature, "signed_on": fields.Datetime.now(),
            "ip_address": ip_address, "user_agent": (user_agent or "")[:255], "signed_by_id": self.env.uid,
            "state": "signed",
        })
        pdf, _kind = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
            "account_collection_litigation.collection_balance_confirmation_report", self.ids)
        filename = self.env._("Balance confirmation %(customer)s %(date)s.pdf", customer=self.partner_id.name,
                              date=fields.Date.to_string(self.date))
        event = self.env["collection.limitation.event"].sudo().create({
            "company_id": self.company_id.id, "partner_id": self.partner_id.id, "event_type": "acknowledgement",
            "date": self.date, "move_ids": [fields.Command.set(self.move_ids.ids)],
            "proof_file": base64.b64encode(pdf), "proof_filename": filename,
            "note": self.env._(
                "Balance confirmed on the portal by %(name)s (%(role)s) from %(ip)s; figures SHA-256 %(hash)s.",
                name=self.signer_name, role=self.signer_role, ip=ip_address or "?", hash=self.content_hash),
        })
        message = self.customer_id.sudo().message_post(
            body=self.env._(
                "%(what)s signed by %(name)s (%(role)s) from %(ip)s: %(amount)s. It interrupts the limitation of "
                "%(count)s invoices (PRC Civil Code Art. 195).",
                what=self.display_name, name=self.signer_name, role=self.signer_role, ip=ip_address or "?",
                amount=self.currency_id.format(self.amount_total), count=len(self.move_ids)),
            attachments=[(filename, pdf)],
        )
        attachment = message.attachment_ids[:1]
        self.with_context(collection_signing=True).write({"attachment_id": attachment.id,
                                                          "limitation_event_id": event.id})
        return attachment
