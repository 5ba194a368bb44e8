from odoo import fields, models

from ..tools.activity_cap import DEFAULT_DAILY_ACTIVITIES
from .collection_policy import CUSTOMER_TYPES


class CollectionTeam(models.Model):
    """Collectors who take the customers of a segment (a customer type, partner tags, or both; neither: any
    customer). A customer entering collection goes to the first team of its segment, to its member with the
    lightest workload; the team's capacity is what one of them should carry at most."""

    _name = "collection.team"
    _description = "Collection Team"
    _order = "sequence, id"
    _check_company_auto = True

    # === Fields === #
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    supervisor_id = fields.Many2one("res.users", domain=[("share", "=", False)])
    member_ids = fields.Many2many("res.users", "collection_team_member_rel", "team_id", "user_id",
                                  string="Collectors", domain=[("share", "=", False)])
    customer_type = fields.Selection(CUSTOMER_TYPES, help="Leave empty: every customer type.")
    category_ids = fields.Many2many("res.partner.category", string="Customer Tags",
                                    help="Leave empty: whatever their tags.")
    capacity_customers = fields.Integer(string="Customers per Collector", default=150)
    capacity_amount = fields.Monetary(string="Amount per Collector", currency_field="currency_id",
                                      default=50_000_000.0)
    capacity_activities = fields.Integer(
        string="New Activities per Collector and Day", default=DEFAULT_DAILY_ACTIVITIES,
        help="The calendar's follow-ups beyond this wait for the next day (people outside any team: "
             f"{DEFAULT_DAILY_ACTIVITIES}).")

    _sql_constraints = [
        ("capacity_positive",
         "CHECK(capacity_customers >= 0 AND capacity_amount >= 0 AND capacity_activities >= 0)",
         "A capacity cannot be negative."),
    ]

    # === Business === #
    def _matches(self, customer_type, category_ids):
        self.ensure_one()
        return ((not self.customer_type or self.customer_type == customer_type)
                and (not self.category_ids or bool(set(self.category_ids.ids) & set(category_ids))))
