from odoo import fields, models
from odoo.tools import SQL

# Without a team, what one collector carries at most (the brief: about 100-150 cases, or some 50 M).
DEFAULT_CAPACITY_CUSTOMERS = 150
DEFAULT_CAPACITY_AMOUNT = 50_000_000.0


class CollectionWorkloadReport(models.Model):
    """Each collector's open customers and amount claimed against the capacity of their team."""

    _name = "collection.workload.report"
    _description = "Collector Workload"
    _auto = False
    _order = "over_capacity desc, claim_amount desc, id"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    customer_count = fields.Integer(string="Open Customers", readonly=True)
    claim_amount = fields.Monetary(string="Amount Claimed", readonly=True)
    capacity_customers = fields.Integer(string="Customer Capacity", readonly=True, aggregator="max")
    capacity_amount = fields.Monetary(string="Amount Capacity", readonly=True, aggregator="max")
    over_capacity = fields.Boolean(readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH load AS (
                SELECT user_id, company_id, count(*) AS n, sum(claim_amount) AS amount
                  FROM collection_customer
                 WHERE user_id IS NOT NULL AND overdue_count > 0
                 GROUP BY user_id, company_id
            ), cap AS (
                SELECT DISTINCT ON (r.user_id, t.company_id) r.user_id, t.company_id, t.capacity_customers,
                       t.capacity_amount
                  FROM collection_team t JOIN collection_team_member_rel r ON r.team_id = t.id
                 WHERE t.active
                 ORDER BY r.user_id, t.company_id, t.sequence, t.id
            )
            SELECT row_number() OVER (ORDER BY load.user_id, load.company_id) AS id, load.user_id, load.company_id,
                   load.n AS customer_count, load.amount AS claim_amount,
                   COALESCE(cap.capacity_customers, %(customers)s) AS capacity_customers,
                   COALESCE(cap.capacity_amount, %(amount)s) AS capacity_amount,
                   (load.n > COALESCE(cap.capacity_customers, %(customers)s)
                    OR load.amount > COALESCE(cap.capacity_amount, %(amount)s)) AS over_capacity
              FROM load LEFT JOIN cap ON cap.user_id = load.user_id AND cap.company_id = load.company_id
            """,
            customers=DEFAULT_CAPACITY_CUSTOMERS, amount=DEFAULT_CAPACITY_AMOUNT,
        )
