from odoo import fields, models
from odoo.tools import SQL

from ..models.collection_pause import PAUSE_REASONS
from ..tools.aging import AGING_BUCKETS

DOCUMENT_TYPES = [
    ("invoice", "Invoice"),
    ("credit_note", "Credit note"),
    ("payment", "Payment"),
    ("other", "Other entry"),
]
REPORT_BUCKETS = [*AGING_BUCKETS, ("credit", "Unapplied credit")]


class CollectionAgingReport(models.Model):
    """Open receivables, one row per open journal item of a receivable account, aged as of its company's today in the
    company currency, with the collection file's collector and stage. Unapplied credits are rows of their own
    (bucket "Unapplied credit"), so that the open total is the receivable accounts' balance."""

    _name = "collection.aging.report"
    _description = "Collection: Aging Analysis"
    _auto = False
    _rec_name = "move_id"
    _order = "days_overdue desc, id"
    # What the query reads: flushed before every search of the report.
    _depends = {
        "account.move": [
            "move_type", "origin_payment_id", "statement_line_id", "collection_user_id", "invoice_user_id",
            "collection_stage_id", "collection_pause_reason", "invoice_date",
        ],
        "account.move.line": [
            "move_id", "partner_id", "company_id", "company_currency_id", "currency_id", "account_id", "date",
            "date_maturity", "parent_state", "reconciled", "amount_residual", "amount_residual_currency",
        ],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id"],
        "collection.customer": ["partner_id", "company_id", "user_id", "stage_id"],
    }

    # === Fields === #
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    document_type = fields.Selection(DOCUMENT_TYPES, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    customer_id = fields.Many2one("collection.customer", string="Collection File", readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    stage_id = fields.Many2one("collection.stage", string="Invoice Stage", readonly=True)
    customer_stage_id = fields.Many2one("collection.stage", readonly=True)
    pause_reason = fields.Selection(PAUSE_REASONS, readonly=True)
    invoice_date = fields.Date(string="Date", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(REPORT_BUCKETS, string="Aging Bucket", readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", currency_field="company_currency_id", readonly=True)
    amount_residual_currency = fields.Monetary(
        string="Open in Currency", currency_field="currency_id", readonly=True, aggregator=None,
        help="In the document's currency: add these up per currency only.",
    )
    amount_not_due = fields.Monetary(string="Not Due", currency_field="company_currency_id", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30", currency_field="company_currency_id", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60", currency_field="company_currency_id", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90", currency_field="company_currency_id", readonly=True)
    amount_90_plus = fields.Monetary(string="Over 90", currency_field="company_currency_id", readonly=True)
    amount_credit = fields.Monetary(string="Unapplied Credits", currency_field="company_currency_id", readonly=True)

    # === Query === #
    @property
    def _table_query(self):
        days = SQL("(d.today - COALESCE(l.date_maturity, l.date))")
        bucket = SQL(
            """CASE WHEN l.amount_residual < 0 THEN 'credit' WHEN %(d)s <= 0 THEN 'not_due'
                    WHEN %(d)s <= 30 THEN '1_30' WHEN %(d)s <= 60 THEN '31_60' WHEN %(d)s <= 90 THEN '61_90'
                    ELSE '90_plus' END""",
            d=days,
        )
        return SQL(
            """
            SELECT l.id, l.move_id,
                   CASE WHEN m.move_type = 'out_invoice' THEN 'invoice'
                        WHEN m.move_type = 'out_refund' THEN 'credit_note'
                        WHEN m.origin_payment_id IS NOT NULL OR m.statement_line_id IS NOT NULL THEN 'payment'
                        ELSE 'other' END AS document_type,
                   COALESCE(p.commercial_partner_id, l.partner_id) AS partner_id,
                   l.company_id, l.company_currency_id, l.currency_id,
                   c.id AS customer_id, COALESCE(c.user_id, m.collection_user_id) AS user_id,
                   m.invoice_user_id AS salesperson_id, m.collection_stage_id AS stage_id,
                   c.stage_id AS customer_stage_id, m.collection_pause_reason AS pause_reason,
                   COALESCE(m.invoice_date, l.date) AS invoice_date, COALESCE(l.date_maturity, l.date) AS date_due,
                   %(days)s AS days_overdue, %(bucket)s AS bucket,
                   l.amount_residual, l.amount_residual_currency,
                   CASE WHEN l.amount_residual > 0 AND %(days)s <= 0 THEN l.amount_residual ELSE 0 END
                       AS amount_not_due,
                   CASE WHEN l.amount_residual > 0 AND %(days)s BETWEEN 1 AND 30 THEN l.amount_residual ELSE 0 END
                       AS amount_1_30,
                   CASE WHEN l.amount_residual > 0 AND %(days)s BETWEEN 31 AND 60 THEN l.amount_residual ELSE 0 END
                       AS amount_31_60,
                   CASE WHEN l.amount_residual > 0 AND %(days)s BETWEEN 61 AND 90 THEN l.amount_residual ELSE 0 END
                       AS amount_61_90,
                   CASE WHEN l.amount_residual > 0 AND %(days)s > 90 THEN l.amount_residual ELSE 0 END
                       AS amount_90_plus,
                   LEAST(l.amount_residual, 0) AS amount_credit
              FROM account_move_line l
              JOIN %(company_days)s ON d.company_id = l.company_id
              JOIN account_move m ON m.id = l.move_id
              LEFT JOIN res_partner p ON p.id = l.partner_id
              LEFT JOIN collection_customer c
                     ON c.partner_id = COALESCE(p.commercial_partner_id, l.partner_id) AND c.company_id = l.company_id
             WHERE %(receivable)s AND NOT l.reconciled AND l.amount_residual != 0
            """,
            days=days, bucket=bucket, receivable=self.env["collection.ledger"]._receivable_sql(),
            company_days=self.env["collection.escalation"]._company_days(),
        )

    # === Actions === #
    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
