from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.collection_contact import (
    CHANNEL_ACTIVITY_TYPES,
    CONTACT_CHANNELS,
    CONTACT_DIRECTIONS,
    CONTACT_OUTCOMES,
    CONTACT_PERSONS,
)
from ..tools.compliance import mentions_amount

# What the wizard copies onto the contact as it is.
CONTACT_FIELDS = ("customer_id", "date", "direction", "channel", "person", "contact_partner_id", "third_party_name",
                  "note", "outcome", "objection_id", "next_step", "next_date", "recording", "recording_filename",
                  "recording_consent", "override_reason")


class CollectionContactWizard(models.TransientModel):
    """Log a contact from the worklist, a customer file, an invoice or an activity: the contact, the promise or
    the dispute it brought, and the matching activity marked done."""

    _name = "collection.contact.wizard"
    _description = "Log a Collection Contact"

    # === Fields === #
    customer_id = fields.Many2one("collection.customer", check_company=True, string="Customer File", required=True)
    partner_id = fields.Many2one(related="customer_id.partner_id", string="Customer")
    company_id = fields.Many2one(related="customer_id.company_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many("account.move", string="Invoices Discussed",
                                domain="[('commercial_partner_id', '=', partner_id), "
                                       "('collection_is_open', '=', True)]")
    visit_id = fields.Many2one("collection.visit", readonly=True,
                               help="The visit on site this contact closes.")
    activity_id = fields.Many2one(
        "mail.activity", string="Completes Activity", compute="_compute_activity_id", store=True, readonly=False,
        domain="[('res_model', '=', 'collection.customer'), ('res_id', '=', customer_id)]",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    direction = fields.Selection(CONTACT_DIRECTIONS, required=True, default="outbound")
    channel = fields.Selection(CONTACT_CHANNELS, required=True, default="call")
    person = fields.Selection(CONTACT_PERSONS, string="Who Was Reached", required=True, default="debtor")
    contact_partner_id = fields.Many2one(
        "res.partner", string="Spoke With", compute="_compute_contact_partner_id", store=True, readonly=False,
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    third_party_name = fields.Char(string="Third Party")
    note = fields.Text(string="What Was Said")
    outcome = fields.Selection(CONTACT_OUTCOMES, required=True, default="reached")
    objection_id = fields.Many2one("collection.dispute.reason")
    objection_response = fields.Text(related="objection_id.response", string="Standard Response")
    next_step = fields.Char()
    next_date = fields.Date(string="Next Step On")
    recording = fields.Binary()
    recording_filename = fields.Char()
    recording_consent = fields.Boolean(string="Consented to the Recording")
    override_reason = fields.Text(string="Reason for an Exception")
    # === A promise === #
    promise_amount = fields.Monetary(
        string="Promised Amount", compute="_compute_promise_amount", store=True, readonly=False,
        help="The open amount of the invoices discussed, or the amount claimed from the customer when none is chosen.",
    )
    promise_date = fields.Date(string="Promised By")
    # === A dispute === #
    dispute_move_ids = fields.Many2many(
        "account.move", "collection_contact_wizard_dispute_move_rel", "wizard_id", "move_id",
        string="Disputed Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('collection_is_open', '=', True)]",
    )
    # === What the collector sees before confirming === #
    compliance_warning = fields.Char(compute="_compute_warnings")
    third_party_warning = fields.Char(compute="_compute_warnings")
    call_windows = fields.Char(related="customer_id.call_windows")
    customer_local_time = fields.Char(related="customer_id.customer_local_time")
    call_script_body = fields.Html(related="customer_id.call_script_body")
    ap_phone = fields.Char(related="customer_id.ap_phone")
    ap_mobile = fields.Char(related="customer_id.ap_mobile")
    ap_email = fields.Char(related="customer_id.ap_email")

    # === Defaults === #
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if values.get("customer_id"):
            return values
        context = self.env.context
        moves = self.env["account.move"].browse(context.get("default_move_ids") or [])
        activity = self.env["mail.activity"].browse(context.get("default_activity_id"))
        if not moves and activity.res_model == "account.move":
            moves = self.env["account.move"].browse(activity.res_id)
        if activity.res_model == "collection.customer":
            values["customer_id"] = activity.res_id
        elif moves or activity.res_model == "res.partner":
            partner = moves.commercial_partner_id[:1] or self.env["res.partner"].browse(activity.res_id)
            company = moves.company_id[:1] or self.env.company
            values["customer_id"] = self.env["collection.customer"]._ensure_files(
                {(partner.commercial_partner_id.id, company.id)}).id
        if moves and "move_ids" in fields_list:
            values["move_ids"] = [fields.Command.set(moves.ids)]
        return values

    # === Compute === #
    @api.depends("customer_id", "channel")
    def _compute_activity_id(self):
        """The collector's oldest activity on the customer due today or earlier, of the contact's channel."""
        for wizard in self:
            today = self.env["collection.escalation"]._today(wizard.company_id)
            activity = wizard.activity_id
            if activity and (activity.res_model != "collection.customer" or activity.res_id == wizard.customer_id.id):
                continue   # given: the activity the wizard was opened from
            type_xmlid = CHANNEL_ACTIVITY_TYPES.get(wizard.channel)
            activity_type = self.env.ref(type_xmlid, raise_if_not_found=False) if type_xmlid else None
            activities = wizard.customer_id.activity_ids.filtered(
                lambda a, t=activity_type, today=today: a.user_id == self.env.user and a.date_deadline <= today
                and a.activity_type_id == t)
            wizard.activity_id = activities.sorted("date_deadline")[:1]

    @api.depends("outcome", "customer_id", "move_ids")
    def _compute_promise_amount(self):
        for wizard in self:
            if wizard.outcome != "promise":
                wizard.promise_amount = 0.0
                continue
            moves = wizard.move_ids
            wizard.promise_amount = (sum(moves.mapped("amount_residual_signed")) if moves
                                     else wizard.customer_id.claim_amount)

    @api.depends("customer_id", "person")
    def _compute_contact_partner_id(self):
        for wizard in self:
            wizard.contact_partner_id = wizard.customer_id.ap_contact_id if wizard.person == "debtor" else False

    @api.depends("customer_id", "date", "channel", "direction", "outcome", "person", "note")
    def _compute_warnings(self):
        for wizard in self:
            wizard.compliance_warning = False
            wizard.third_party_warning = False
            if not wizard.customer_id or not wizard.date:
                continue
            if issues := self.env["collection.contact"]._compliance_preview({
                    "customer_id": wizard.customer_id.id, "date": wizard.date, "channel": wizard.channel,
                    "direction": wizard.direction, "outcome": wizard.outcome or "reached"}):
                wizard.compliance_warning = self.env._(
                    "Compliance: %(issues)s. Give a reason for the exception to log it; it is kept in the history.",
                    issues=issues)
            if wizard.person == "third_party":
                wizard.third_party_warning = self.env._(
                    "A third party is only asked how to reach the customer: never disclose the debt%(amount)s.",
                    amount=self.env._(" (the note mentions an amount)") if mentions_amount(wizard.note) else "")

    # === Onchange === #
    @api.onchange("outcome")
    def _onchange_outcome(self):
        if self.outcome == "promise" and not self.promise_date:
            self.promise_date = fields.Date.add(self.env["collection.escalation"]._today(self.company_id), days=7)
        if self.outcome == "dispute" and not self.dispute_move_ids:
            self.dispute_move_ids = self.move_ids

    # === Actions === #
    @api.model
    def _action_open_for_activity(self, activity):
        """The wizard on the record of an activity (a customer file, an invoice or a customer), to complete it."""
        if not activity or activity.res_model not in ("collection.customer", "account.move", "res.partner"):
            raise UserError(self.env._("Open an activity of a customer in collection, an invoice or a customer."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_contact_wizard_action")
        action["context"] = {"default_activity_id": activity.id}
        return action

    def action_confirm(self):
        self.ensure_one()
        if self.outcome == "promise" and not (self.promise_amount and self.promise_date):
            raise UserError(self.env._("A promise to pay has an amount and a date."))
        if self.outcome == "dispute" and not (self.objection_id and self.dispute_move_ids):
            raise UserError(self.env._("A dispute has a reason and the invoices it is about."))
        contact = self.env["collection.contact"].create(self._prepare_contact_vals())
        if self.outcome == "promise":
            self.env["collection.promise"].create({
                "customer_id": self.customer_id.id, "contact_id": contact.id, "amount": self.promise_amount,
                "date": self.promise_date, "move_ids": [fields.Command.set(self.move_ids.ids)], "note": self.note,
            })
        if self.outcome == "dispute":
            self.env["collection.dispute"].create({
                "customer_id": self.customer_id.id, "contact_id": contact.id, "reason_id": self.objection_id.id,
                "move_ids": [fields.Command.set(self.dispute_move_ids.ids)],
                "description": self.note or self.objection_id.name,
            })
        if self.activity_id:
            self.activity_id.action_feedback(feedback=contact._summary())
        if self.visit_id:
            self.visit_id._close(contact)
        return {"type": "ir.actions.act_window_close"}

    def _prepare_contact_vals(self):
        self.ensure_one()
        values = {name: self[name] for name in CONTACT_FIELDS}
        for name in ("customer_id", "contact_partner_id", "objection_id"):
            values[name] = values[name].id
        values["activity_summary"] = self.activity_id.summary or self.activity_id.activity_type_id.name or False
        if self.person == "debtor":
            values["move_ids"] = [fields.Command.set(self.move_ids.ids)]
            values["third_party_name"] = False
        return values
