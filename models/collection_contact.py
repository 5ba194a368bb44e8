from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.call_windows import local_now
from ..tools.compliance import cap_exceeded, is_connected, mentions_amount
from ..tools.quiet_hours import _customer_zone, quiet_until

CONTACT_CHANNELS = [
    ("call", "Phone call"),
    ("email", "Email"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("visit", "Visit"),
    ("meeting", "Meeting"),
]
CONTACT_OUTCOMES = [
    ("no_answer", "No answer"),
    ("reached", "Reached"),
    ("promise", "Promise to pay"),
    ("dispute", "Dispute raised"),
    ("refused", "Refused to pay"),
    ("paid", "Says it is paid"),
    ("wrong_contact", "Wrong contact"),
]
CONTACT_PERSONS = [
    ("debtor", "The customer's contact"),
    ("third_party", "A third party"),
]
CONTACT_DIRECTIONS = [
    ("outbound", "We contacted them"),
    ("inbound", "They contacted us"),
]
# The activity a contact of each channel completes, and schedules as its next step.
CHANNEL_ACTIVITY_TYPES = {
    "call": "mail.mail_activity_data_call",
    "email": "mail.mail_activity_data_email",
    "visit": "mail.mail_activity_data_meeting",
    "meeting": "mail.mail_activity_data_meeting",
    "letter": "account_collection_litigation.mail_activity_type_collection_letter",
}
# A contact is evidence (it also proves a demand, which interrupts the limitation period): only the next step
# may change afterwards.
MUTABLE_FIELDS = {"next_step", "next_date"}
# Channels where someone is disturbed at the moment of the contact: quiet hours apply.
LIVE_CHANNELS = ("call", "sms", "visit", "meeting", "email")


class CollectionContact(models.Model):
    """One contact with a customer in collection: when, how, with whom, what was said and what came of it.

    Every contact writes a row of the collection history (event 'contact'), which the escalation counts as
    chasing carried out, and a note in the customer file's chatter. Compliance is enforced on create: a cap on
    the day's contacts across every channel together, quiet hours, and no amount for a third party."""

    _name = "collection.contact"
    _description = "Collection Contact"
    _inherit = ["collection.customer.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    user_id = fields.Many2one("res.users", string="Collector", required=True, default=lambda self: self.env.user)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    direction = fields.Selection(CONTACT_DIRECTIONS, required=True, default="outbound",
                                 help="Contacts the customer starts do not count towards the daily cap.")
    channel = fields.Selection(CONTACT_CHANNELS, required=True, default="call")
    person = fields.Selection(CONTACT_PERSONS, string="Who Was Reached", required=True, default="debtor")
    contact_partner_id = fields.Many2one(
        "res.partner", string="Spoke With", domain="[('commercial_partner_id', '=', partner_id)]",
    )
    third_party_name = fields.Char(
        string="Third Party", help="Who, and their relation to the customer. Never disclose the debt to them.",
    )
    move_ids = fields.Many2many(
        "account.move", "collection_contact_move_rel", "contact_id", "move_id", string="Invoices Discussed",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('collection_is_open', '=', True)]",
    )
    note = fields.Text(string="What Was Said")
    outcome = fields.Selection(CONTACT_OUTCOMES, required=True)
    objection_id = fields.Many2one("collection.dispute.reason", check_company=True,
                                   help="The objection the customer raised, if any.")
    next_step = fields.Char()
    next_date = fields.Date(string="Next Step On")
    recording = fields.Binary(attachment=True, copy=False, help="Only with the customer's consent to the recording.")
    recording_filename = fields.Char()
    recording_consent = fields.Boolean(string="Consented to the Recording")
    in_quiet_hours = fields.Boolean(readonly=True)
    override_reason = fields.Text(
        string="Reason for an Exception", help="Why a contact above the daily cap or in quiet hours was made; it "
        "is kept in the history.",
    )
    compliance_note = fields.Char(string="Exceptions", readonly=True)
    activity_summary = fields.Char(string="Activity Completed", readonly=True)
    promise_ids = fields.One2many("collection.promise", "contact_id", string="Promises")
    dispute_ids = fields.One2many("collection.dispute", "contact_id", string="Disputes")

    # === Compute === #
    @api.depends("channel", "outcome", "date")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        outcomes = dict(self._fields["outcome"]._description_selection(self.env))
        for contact in self:
            contact.display_name = " · ".join(filter(None, [channels.get(contact.channel),
                                                            outcomes.get(contact.outcome)]))

    # === Constraints === #
    @api.constrains("recording", "recording_consent", "channel")
    def _check_recording(self):
        for contact in self:
            if contact.recording and not contact.recording_consent:
                raise ValidationError(self.env._("A call is recorded only with the customer's consent."))

    @api.constrains("person", "note", "outcome", "move_ids", "third_party_name", "contact_partner_id", "next_step")
    def _check_third_party(self):
        """The debt is never disclosed to a third party (legal-rules.md §8): such a contact carries no amount, no
        invoice, no promise or dispute; it is for contact details only."""
        for contact in self.filtered(lambda c: c.person == "third_party"):
            if mentions_amount(contact.note) or mentions_amount(contact.next_step):
                raise ValidationError(self.env._(
                    "A contact with a third party carries no amount: the debt is never disclosed to a third party. "
                    "Note only what was learnt about reaching the customer."))
            if contact.outcome in ("promise", "dispute", "paid") or contact.move_ids:
                raise ValidationError(self.env._(
                    "A third party neither promises, disputes nor discusses the customer's invoices."))
            if not (contact.third_party_name or contact.contact_partner_id):
                raise ValidationError(self.env._("Say who the third party was."))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        issues = self._check_compliance(vals_list)
        contacts = super().create(vals_list)
        contacts._log_exceptions(issues)
        contacts._log()
        for contact in contacts.filtered("objection_id"):
            contact.customer_id._note_objection(contact.objection_id)
        return contacts

    def write(self, vals):
        if set(vals) - MUTABLE_FIELDS:
            raise UserError(self.env._("A logged contact is evidence: only its next step can change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        raise UserError(self.env._("A logged contact is evidence: it cannot be deleted."))

    # === Business: compliance === #
    def _local_day_bounds(self):
        """(local day, naive UTC start, naive UTC end) of the customer's own day the contact falls in."""
        self.ensure_one()
        zone = _customer_zone(self.customer_id._timezone())
        day = local_now(self.date, zone.key).date()
        start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        return day, start, end

    @api.model
    def _compliance_preview(self, values):
        """What a contact with `values` (its customer, date, channel, direction and outcome) would break if logged
        now, in words, as its creation will check it; False when nothing."""
        draft = self.new(values)
        issues = draft._compliance_issues().get(draft)
        return "; ".join(message for _code, message in issues) if issues else False

    def _compliance_issues(self):
        """{contact: [(code, what it breaks)]}: the daily caps across every channel together, counted in the
        customer's own day, and the quiet hours of the customer's policy, in the customer's time zone."""
        issues = defaultdict(list)
        outbound = self.filtered(lambda c: c.direction == "outbound")
        if not outbound:
            return issues
        policies = outbound.customer_id._work_policies()
        bounds = {contact: contact._local_day_bounds() for contact in outbound}
        # the customers' earlier contacts of those days, in one read
        earlier = self.search([
            ("customer_id", "in", outbound.customer_id.ids), ("direction", "=", "outbound"),
            ("id", "not in", self.ids),
            ("date", ">=", min(start for _day, start, _end in bounds.values())),
            ("date", "<", max(end for _day, _start, end in bounds.values())),
        ])
        days_of_customer = defaultdict(set)
        for contact, (day, start, end) in bounds.items():
            days_of_customer[contact.customer_id.id].add((day, start, end))
        counts = defaultdict(lambda: (0, 0))
        for contact in earlier:
            for day, start, end in days_of_customer[contact.customer_id.id]:
                if start <= contact.date < end:
                    attempts, connected = counts[(contact.customer_id.id, day)]
                    counts[(contact.customer_id.id, day)] = (attempts + 1, connected + is_connected(contact.outcome))
        position = {contact: index for index, contact in enumerate(outbound)}
        for contact in sorted(outbound, key=lambda c: (c.date, position[c])):
            policy = policies[contact.customer_id.id]
            key = (contact.customer_id.id, bounds[contact][0])
            attempts, connected = counts[key]
            exceeded = cap_exceeded(attempts, connected, policy.contact_cap_attempts, policy.contact_cap_connected,
                                    is_connected(contact.outcome))
            if "attempts" in exceeded:
                issues[contact].append(("cap", self.env._(
                    "more than %(cap)s contacts with %(customer)s in one day", cap=policy.contact_cap_attempts,
                    customer=contact.partner_id.name)))
            if "connected" in exceeded:
                issues[contact].append(("cap", self.env._(
                    "more than %(cap)s connected contacts with %(customer)s in one day",
                    cap=policy.contact_cap_connected, customer=contact.partner_id.name)))
            counts[key] = (attempts + 1, connected + is_connected(contact.outcome))
            if contact.channel in LIVE_CHANNELS and quiet_until(
                    contact.date, contact.customer_id._timezone(), policy.quiet_hours_start, policy.quiet_hours_end):
                issues[contact].append(("quiet", self.env._("in the customer's quiet hours")))
        return issues

    @api.model
    def _check_compliance(self, vals_list):
        """Refuse contacts that break the rules without a reason for the exception; note the exceptions made with
        one on their values. Returns what each contact (by position) breaks."""
        defaults = self.default_get(["date", "direction", "channel", "person"])
        drafts = [self.new({**defaults, **vals}) for vals in vals_list]
        issues = self.browse().union(*drafts)._compliance_issues() if drafts else {}
        found = [issues.get(draft, []) for draft in drafts]
        for vals, broken in zip(vals_list, found, strict=True):
            if not broken:
                continue
            messages = "; ".join(message for _code, message in broken)
            if not vals.get("override_reason"):
                raise UserError(self.env._(
                    "This contact breaks the compliance rules: %(issues)s. Log it only with a reason for the "
                    "exception (kept in the history).", issues=messages,
                ))
            vals.update(compliance_note=messages[:250], in_quiet_hours=any(code == "quiet" for code, _m in broken))
        return found

    def _log_exceptions(self, found):
        """Every exception to the compliance rules goes into the history with its reason."""
        broken_of = {contact: broken for contact, broken in zip(self, found, strict=True) if broken}
        self.env["collection.history"]._log(self.browse().union(*broken_of), "override", note=lambda contact: (
            self.env._("Contact logged %(issues)s. Reason: %(reason)s",
                       issues="; ".join(message for _code, message in broken_of[contact]),
                       reason=contact.override_reason)))

    # === Business: history, chatter, next step === #
    def _summary(self):
        """One line for the history and the chatter; a third party's contact never carries an amount (its note is
        refused when it does)."""
        self.ensure_one()
        persons = dict(self._fields["person"]._description_selection(self.env))
        who = self.contact_partner_id.name or self.third_party_name or persons[self.person]
        parts = [self.display_name, who]
        if self.objection_id:
            parts.append(self.objection_id.name)
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)

    def _log(self):
        """History (the escalation counts a row of event 'contact' in state 'done' as chasing carried out: an
        outbound contact; one the customer started has no state), chatter, and the next step as an activity."""
        self.env["collection.history"]._log(
            self, "contact", move_id=lambda contact: contact.move_ids.id if len(contact.move_ids) == 1 else False,
            note=lambda contact: contact._summary(),
            state=lambda contact: "done" if contact.direction == "outbound" else False)
        bodies = defaultdict(list)
        for contact in self:
            bodies[contact.customer_id.id].append(Markup("<p>%s</p>") % contact._summary())
        files = self.customer_id
        files.sudo()._message_log_batch({file_id: Markup("").join(parts) for file_id, parts in bodies.items()})
        for contact in self.filtered("next_date"):
            contact.customer_id.sudo().activity_schedule(
                CHANNEL_ACTIVITY_TYPES.get(contact.channel, "mail.mail_activity_data_todo"),
                date_deadline=contact.next_date, user_id=contact.user_id.id,
                summary=contact.next_step or self.env._("Follow up the contact of %(date)s",
                                                        date=fields.Date.to_string(contact.date.date())),
            )
