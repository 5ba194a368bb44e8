from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.geo import distance_m, is_far, is_position, map_url

VISIT_STATES = [
    ("planned", "Planned"),
    ("on_site", "On Site"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# What only checking in and logging the outcome write: the time and place a visit took place are evidence.
RECORDED_FIELDS = frozenset({"state", "check_in_date", "latitude", "longitude", "position_accuracy",
                             "address_compared", "distance", "far_from_address", "contact_id", "portal_token_id"})
# What was planned, fixed once the collector is on site: who went, where, and on which day.
PLANNED_FIELDS = frozenset({"customer_id", "user_id", "date"})
OPEN_STATES = ("planned", "on_site")
# The link that opens the customer's page on the collector's phone, to sign the balance there, lasts the visit.
SIGNING_LINK_LIFETIME = timedelta(hours=2)


class CollectionVisit(models.Model):
    """A visit to a customer in collection, made from the collector's phone: planned for a day, checked in on
    site (when and where, as the phone reported it), and closed by the contact logged there, which writes the
    collection history and the customer file's chatter like any other contact."""

    _name = "collection.visit"
    _description = "Collection Field Visit"
    _inherit = ["collection.customer.mixin"]
    _order = "date desc, sequence, id"
    _rec_names_search = ["partner_id", "purpose"]

    # === Fields === #
    user_id = fields.Many2one("res.users", string="Collector", required=True, index=True,
                              default=lambda self: self.env.user,
                              domain="[('share', '=', False), ('company_ids', 'in', company_id)]")
    date = fields.Date(string="Visit On", required=True, index=True,
                       default=lambda self: self.env["collection.escalation"]._today(self.env.company))
    sequence = fields.Integer(string="Route Order", default=10)
    purpose = fields.Char(string="Purpose of the Visit",
                          help="What the visit is for: collect a cheque, have the balance signed, meet the owner.")
    state = fields.Selection(VISIT_STATES, required=True, default="planned", readonly=True, index=True)
    address = fields.Char(compute="_compute_address")
    map_url = fields.Char(string="Map", compute="_compute_address")
    ap_phone = fields.Char(related="customer_id.ap_phone")
    ap_mobile = fields.Char(related="customer_id.ap_mobile")
    currency_id = fields.Many2one(related="customer_id.currency_id")
    overdue_amount = fields.Monetary(related="customer_id.overdue_amount")
    customer_local_time = fields.Char(related="customer_id.customer_local_time")
    compliance_warning = fields.Char(compute="_compute_compliance_warning")
    # === On site === #
    check_in_date = fields.Datetime(string="Checked In", readonly=True, copy=False)
    latitude = fields.Float(digits=(10, 7), readonly=True, copy=False)
    longitude = fields.Float(digits=(10, 7), readonly=True, copy=False)
    position_accuracy = fields.Float(string="Accuracy (m)", digits=(10, 0), readonly=True, copy=False,
                                     help="How far off the phone said its position might be.")
    address_compared = fields.Boolean(readonly=True, copy=False,
                                      help="The customer had coordinates to compare the check-in with.")
    distance = fields.Float(string="Distance from the Address (m)", digits=(10, 0), readonly=True, copy=False,
                            help="From the customer's coordinates (Contacts: Geolocation) to the check-in.")
    far_from_address = fields.Boolean(string="Far from the Address", readonly=True, copy=False)
    position_note = fields.Char(string="Position", compute="_compute_position_note")
    photo = fields.Image(max_width=1920, max_height=1920, copy=False,
                         help="The premises, the sign on the door, a document handed over: taken on site.")
    contact_id = fields.Many2one("collection.contact", string="Contact Logged", readonly=True, copy=False,
                                 ondelete="restrict", check_company=True)
    outcome = fields.Selection(related="contact_id.outcome", store=True)
    portal_token_id = fields.Many2one("collection.portal.token", string="Signing Link", readonly=True, copy=False,
                                      ondelete="set null", index="btree_not_null")
    confirmation_id = fields.Many2one("collection.balance.confirmation", string="Balance Signed on Site",
                                      compute="_compute_confirmation_id")

    # === Compute === #
    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for visit in self:
            visit.display_name = " · ".join(filter(None, [visit.partner_id.display_name,
                                                          visit.date and fields.Date.to_string(visit.date)]))

    @api.depends("partner_id")
    def _compute_address(self):
        for visit in self:
            partner = visit.partner_id
            lines = (line.strip(" ,") for line in partner._display_address(without_company=True).splitlines())
            visit.address = ", ".join(filter(None, lines)) or False
            visit.map_url = map_url(visit.address, partner.partner_latitude, partner.partner_longitude) or False

    @api.depends("check_in_date", "latitude", "longitude", "position_accuracy", "address_compared", "distance",
                 "far_from_address")
    def _compute_position_note(self):
        for visit in self:
            if not visit.check_in_date:
                visit.position_note = False
            elif not (visit.latitude or visit.longitude):
                visit.position_note = self.env._("The phone did not share its position.")
            elif not visit.address_compared:
                visit.position_note = self.env._(
                    "Recorded; the customer's address has no coordinates to compare it with.")
            elif visit.far_from_address:
                visit.position_note = self.env._(
                    "%(distance)s m from the customer's address (the phone's accuracy: %(accuracy)s m).",
                    distance=round(visit.distance), accuracy=round(visit.position_accuracy))
            else:
                visit.position_note = self.env._("At the customer's address (%(distance)s m).",
                                                 distance=round(visit.distance))

    @api.depends("customer_id", "state")
    def _compute_compliance_warning(self):
        """What a contact with the customer would break now (quiet hours at the customer's, the day's cap), as the
        contact log will check it: said before the collector rings the bell, not after."""
        for visit in self:
            visit.compliance_warning = False
            if visit.state not in OPEN_STATES or not visit.customer_id:
                continue
            if issues := self.env["collection.contact"]._compliance_preview({
                    "customer_id": visit.customer_id.id, "date": fields.Datetime.now(), "channel": "visit",
                    "direction": "outbound", "outcome": "reached"}):
                visit.compliance_warning = self.env._(
                    "Compliance: %(issues)s. Logging what was said then needs a reason for the exception, kept in "
                    "the history.", issues=issues)

    @api.depends("portal_token_id")
    def _compute_confirmation_id(self):
        confirmations = self.env["collection.balance.confirmation"].search(
            [("token_id", "in", self.portal_token_id.ids), ("state", "=", "signed")], order="id desc")
        for visit in self:
            visit.confirmation_id = confirmations.filtered(
                lambda confirmation, token=visit.portal_token_id: token and confirmation.token_id == token)[:1]

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_recorded_fields(vals, allowed={"state": "planned"})
        return super().create(vals_list)

    def write(self, vals):
        self._check_recorded_fields(vals)
        if not self.env.su and self.filtered(lambda visit: visit.state not in OPEN_STATES):
            raise UserError(self.env._("A visit that is done or cancelled is kept as it is: it is evidence."))
        if not self.env.su and PLANNED_FIELDS & vals.keys() and self.filtered(lambda visit: visit.state != "planned"):
            raise UserError(self.env._(
                "The collector is on site: who visits, whom, and on which day no longer change. Cancel the visit "
                "and plan another."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_planned(self):
        if self.filtered(lambda visit: visit.state != "planned"):
            raise UserError(self.env._("Only a visit not yet made is deleted; cancel it instead."))

    def _check_recorded_fields(self, vals, allowed=None):
        """The same for a form, an import and RPC: the check-in and the outcome come from the actions."""
        if self.env.su:
            return
        forbidden = {name for name in RECORDED_FIELDS & vals.keys() if (allowed or {}).get(name, ...) != vals[name]}
        if forbidden:
            raise UserError(self.env._(
                "When and where a visit took place, and what came of it, are recorded by checking in and logging "
                "the outcome on the visit, not written directly."))

    # === Actions === #
    def action_check_in(self, latitude=None, longitude=None, accuracy=None):
        """Check in on site, now, at the position the collector's phone reports (none when the phone does not
        share it). Only the visit's collector checks in: the position is theirs."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "planned":
            raise UserError(self.env._("Only a planned visit is checked in."))
        if self.user_id != self.env.user:
            raise UserError(self.env._(
                "Only %(collector)s checks in on this visit: the position recorded is that of the phone on site. "
                "Reassign the visit first.", collector=self.user_id.name))
        has_position = latitude is not None or longitude is not None
        if has_position and not is_position(latitude, longitude, accuracy):
            raise UserError(self.env._("The phone sent a position that is not one: latitude %(latitude)s, "
                                       "longitude %(longitude)s, accuracy %(accuracy)s.",
                                       latitude=latitude, longitude=longitude, accuracy=accuracy))
        values = {"state": "on_site", "check_in_date": fields.Datetime.now(),
                  "date": self.env["collection.escalation"]._today(self.company_id)}
        if has_position:
            accuracy = accuracy or 0.0
            values.update(latitude=latitude, longitude=longitude, position_accuracy=accuracy)
            partner = self.partner_id
            if partner.partner_latitude or partner.partner_longitude:
                distance = distance_m(partner.partner_latitude, partner.partner_longitude, latitude, longitude)
                values.update(address_compared=True, distance=distance, far_from_address=is_far(distance, accuracy))
        self.sudo().write(values)
        return True

    def action_log_outcome(self):
        """The contact wizard for what was said on site; confirming it closes the visit."""
        self.ensure_one()
        if self.state != "on_site":
            raise UserError(self.env._(
                "Check in first: the contact logged from a visit is proved by when and where it took place."))
        action = self.customer_id._open_contact_wizard(channel="visit")
        action["context"] = {**action["context"], "default_visit_id": self.id,
                             "default_date": fields.Datetime.to_string(self.check_in_date)}
        return action

    def action_sign_balance(self):
        """The customer's collection page on the collector's phone, to confirm and sign the balance there (a
        signed balance interrupts the limitation period). Its link is issued for this visit and lasts two hours."""
        self.ensure_one()
        if self.state != "on_site" or self.user_id != self.env.user:
            raise UserError(self.env._("The balance is signed on site: %(collector)s checks in first.",
                                       collector=self.user_id.name))
        self.customer_id.check_access("write")
        tokens = self.env["collection.portal.token"]
        raw = tokens._issue(self.customer_id, self.env._(
            "Visit of %(date)s by %(collector)s", date=fields.Date.to_string(self.date), collector=self.user_id.name),
            lifetime=SIGNING_LINK_LIFETIME)
        self.sudo().write({"portal_token_id": tokens._resolve(raw).id})
        return {"type": "ir.actions.act_url", "url": f"/my/collection?token={raw}", "target": "self"}

    def action_cancel(self):
        if self.filtered(lambda visit: visit.state not in OPEN_STATES):
            raise UserError(self.env._("Only a visit not yet done is cancelled."))
        self.check_access("write")
        self.sudo().write({"state": "cancelled"})
        return True

    def _close(self, contact):
        """Called by the contact wizard: the visit is done with the contact logged on site."""
        self.ensure_one()
        if self.state != "on_site" or contact.customer_id != self.customer_id or contact.channel != "visit":
            raise UserError(self.env._("This visit is not open for a contact with %(customer)s.",
                                       customer=contact.partner_id.display_name))
        self.sudo().write({"state": "done", "contact_id": contact.id})
