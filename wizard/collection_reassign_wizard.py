from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..report.collection_workload_report import DEFAULT_CAPACITY_AMOUNT, DEFAULT_CAPACITY_CUSTOMERS

SUPERVISOR_GROUP = "account_collection_litigation.group_collection_supervisor"


class CollectionReassignWizard(models.TransientModel):
    """A supervisor gives customers to another collector, seeing that collector's workload against capacity."""

    _name = "collection.reassign.wizard"
    _description = "Reassign Customers"

    customer_ids = fields.Many2many("collection.customer", string="Customers", required=True)
    user_id = fields.Many2one("res.users", string="New Collector", required=True, domain=[("share", "=", False)])
    company_currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    load_customers = fields.Integer(string="Open Customers After", compute="_compute_load")
    load_amount = fields.Monetary(string="Amount After", compute="_compute_load", currency_field="company_currency_id")
    capacity_warning = fields.Char(compute="_compute_load")

    @api.depends("user_id", "customer_ids")
    def _compute_load(self):
        for wizard in self:
            wizard.load_customers = wizard.load_amount = 0
            wizard.capacity_warning = False
            if not wizard.user_id:
                continue
            files = self.env["collection.customer"].search([
                ("user_id", "=", wizard.user_id.id), ("overdue_count", ">", 0),
                ("company_id", "=", self.env.company.id)]) | wizard.customer_ids.filtered("overdue_count")
            team = self.env["collection.team"].search([("member_ids", "in", wizard.user_id.id),
                                                       ("company_id", "=", self.env.company.id)], limit=1)
            capacity = (team.capacity_customers, team.capacity_amount) if team else (
                DEFAULT_CAPACITY_CUSTOMERS, DEFAULT_CAPACITY_AMOUNT)
            wizard.load_customers = len(files)
            wizard.load_amount = sum(files.mapped("claim_amount"))
            if wizard.load_customers > capacity[0] or wizard.load_amount > capacity[1]:
                wizard.capacity_warning = self.env._(
                    "%(user)s would carry %(count)s customers and %(amount)s, over their capacity of %(cap_count)s "
                    "customers and %(cap_amount)s.", user=wizard.user_id.name, count=wizard.load_customers,
                    amount=wizard.company_currency_id.format(wizard.load_amount), cap_count=capacity[0],
                    cap_amount=wizard.company_currency_id.format(capacity[1]))

    def action_confirm(self):
        if not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(self.env._("Only a supervisor reassigns customers."))
        self.customer_ids.write({"user_id": self.user_id.id, "work_assigned": True})
        self.customer_ids._mark_to_recheck()
        return {"type": "ir.actions.act_window_close"}
