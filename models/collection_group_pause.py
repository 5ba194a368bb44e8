from odoo import api, fields, models
from odoo.exceptions import UserError

from .collection_policy import CUSTOMER_TYPES

GROUP_PAUSE_REASONS = [
    ("disaster", "Natural disaster"),
    ("public_health", "Public-health emergency"),
    ("hardship", "Small-business hardship"),
    ("other", "Other"),
]


class CollectionGroupPause(models.Model):
    """Chasing paused for a group of customers between two dates; it ends by itself on the end date."""

    _name = "collection.group.pause"
    _description = "Collection Group Pause"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    # === Fields === #
    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    reason = fields.Selection(GROUP_PAUSE_REASONS, required=True, default="disaster", tracking=True)
    note = fields.Text()
    date_from = fields.Date(required=True, tracking=True,
                            default=lambda self: self.env["collection.escalation"]._today())
    date_to = fields.Date(required=True, tracking=True)
    category_ids = fields.Many2many("res.partner.category", string="Customer Tags")
    country_ids = fields.Many2many("res.country", string="Countries")
    state_ids = fields.Many2many("res.country.state", string="States")
    customer_type = fields.Selection(CUSTOMER_TYPES)
    partner_ids = fields.Many2many("res.partner", string="Customers", domain=[("parent_id", "=", False)])
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")],
        default="draft", required=True, readonly=True, tracking=True,
    )
    pause_ids = fields.One2many("collection.pause", "group_pause_id", string="Pauses")
    pause_count = fields.Integer(compute="_compute_pause_count", string="Customers Paused")

    _sql_constraints = [
        ("dates_ordered", "CHECK(date_to >= date_from)", "A group pause cannot end before it starts."),
    ]

    @api.depends("pause_ids")
    def _compute_pause_count(self):
        counts = dict(self.env["collection.pause"]._read_group(
            [("group_pause_id", "in", self.ids)], ["group_pause_id"], ["__count"]))
        for group in self:
            group.pause_count = counts.get(group, 0)

    # === Actions === #
    def action_confirm(self):
        for group in self:
            if group.state != "draft":
                raise UserError(self.env._("Only a draft group pause can be confirmed."))
            partners = group._matching_partners()
            if not partners:
                raise UserError(self.env._("No customer with open invoices matches this group pause."))
            reasons = dict(self._fields["reason"]._description_selection(self.env))
            # each pause queues its customer for the run
            self.env["collection.pause"].create([{
                "partner_id": partner.id, "company_id": group.company_id.id, "reason": "group",
                "date_from": group.date_from, "date_to": group.date_to, "group_pause_id": group.id,
                "note": f"{group.name} ({reasons[group.reason]})",
            } for partner in partners])
            group.state = "confirmed"
        return True

    def action_cancel(self):
        for group in self:
            active = group.pause_ids.filtered(lambda p: p.state == "active")
            if active:
                active._end("ended", note=self.env._("Group pause cancelled."))
                active.customer_id._mark_to_recheck()
            group.state = "cancelled"
        return True

    def action_open_pauses(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_collection_litigation.collection_pause_action")
        action["domain"] = [("group_pause_id", "=", self.id)]
        return action

    # === Business === #
    def _matching_partners(self):
        """Customers with open invoices in the company that meet every criterion given, plus the listed ones."""
        self.ensure_one()
        domain = [("parent_id", "=", False)]
        if self.category_ids:
            domain.append(("category_id", "in", self.category_ids.ids))
        if self.country_ids:
            domain.append(("country_id", "in", self.country_ids.ids))
        if self.state_ids:
            domain.append(("state_id", "in", self.state_ids.ids))
        if self.customer_type:
            domain.append(("collection_customer_type", "=", self.customer_type))
        criteria = bool(self.category_ids or self.country_ids or self.state_ids or self.customer_type)
        partners = self.env["res.partner"].search(domain) if criteria else self.env["res.partner"]
        partners |= self.partner_ids.commercial_partner_id
        with_open = self.env["account.move"]._read_group(
            [*self.env["account.move"]._collection_open_domain(),
             ("commercial_partner_id", "in", partners.ids), ("company_id", "=", self.company_id.id)],
            ["commercial_partner_id"],
        )
        return self.env["res.partner"].union(*(partner for (partner,) in with_open))
