from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

# Journals whose entries are cash: a receivable settled against them was collected.
CASH_JOURNAL_TYPES = ("bank", "cash", "credit")


class CollectionLedger(models.AbstractModel):
    """The receivable ledger as the collection reports read it: set-based SQL over the journal items of the
    receivable accounts and their partial reconciliations, in the company currency, as of any day.

    Every figure of the statement, the aging report, the KPI dashboard, the forecast and the credit grades comes
    from here, so that they agree with each other and with the receivable accounts' balance."""

    _name = "collection.ledger"
    _description = "Collection Ledger Queries"

    # === Building blocks === #
    @api.model
    def _receivable_sql(self, alias="l"):
        """Posted journal items on receivable accounts."""
        return SQL(
            "%(l)s.parent_state = 'posted' AND %(l)s.account_id IN "
            "(SELECT id FROM account_account WHERE account_type = 'asset_receivable')",
            l=SQL.identifier(alias),
        )

    @api.model
    def _cash_journal_sql(self, alias):
        return SQL("%s.type IN %s", SQL.identifier(alias), CASH_JOURNAL_TYPES)

    @api.model
    def _lines_as_of_sql(self, company, days, partner_ids=None):
        """One row per day of `days` and receivable journal item dated up to that day that was open at its end:
        day, line_id, move_id, partner_id (commercial), due, residual (company currency; negative for a credit).

        The residual as of a day is the item's residual now with the partials dated after that day added back (a
        partial counts from the later of its two items' dates, its max_date): the items open now, and those
        settled since. Summing every item's partials up to the day instead looked up the partials of every item
        of the ledger, twice, when almost none are dated after the day (none at all for today)."""
        days = list(days)
        partner_filter = SQL(" AND p.commercial_partner_id IN %s", tuple(partner_ids)) if partner_ids else SQL()
        item = SQL(
            """
            SELECT d.day, l.id AS line_id, l.move_id, COALESCE(p.commercial_partner_id, l.partner_id) AS partner_id,
                   COALESCE(l.date_maturity, l.date) AS due, l.amount_residual + COALESCE(later.amount, 0) AS residual
            """
        )
        where = SQL("%s AND l.company_id = %s AND l.date <= d.day %s",
                    self._receivable_sql(), company.id, partner_filter)
        return SQL(
            """
            WITH days AS (SELECT unnest(%(days)s::date[]) AS day),
            later AS (
                SELECT d.day, x.line_id, SUM(x.amount) AS amount
                  FROM (SELECT debit_move_id AS line_id, amount, max_date FROM account_partial_reconcile
                         WHERE max_date > %(first)s
                         UNION ALL
                        SELECT credit_move_id, -amount, max_date FROM account_partial_reconcile
                         WHERE max_date > %(first)s) x
                  JOIN days d ON x.max_date > d.day
                 GROUP BY d.day, x.line_id
            )
            %(item)s
              FROM days d
              JOIN account_move_line l ON l.reconciled IS NOT TRUE
              LEFT JOIN later ON later.day = d.day AND later.line_id = l.id
              LEFT JOIN res_partner p ON p.id = l.partner_id
             WHERE %(where)s
             UNION ALL
            %(item)s
              FROM later
              JOIN days d ON d.day = later.day
              JOIN account_move_line l ON l.id = later.line_id AND l.reconciled
              LEFT JOIN res_partner p ON p.id = l.partner_id
             WHERE %(where)s
            """,
            days=days, first=min(days), item=item, where=where,
        )

    @api.model
    def _bucket_sums_sql(self, as_of, residual="r.residual", due="r.due"):
        """Sums per aging bucket as of a day (debits only) and the unapplied credits, as SQL select items."""
        residual, due = SQL(residual), SQL(due)
        days = SQL("(%s::date - %s)", as_of, due)
        return SQL(
            """
            COALESCE(SUM(%(r)s) FILTER (WHERE %(r)s > 0 AND %(days)s <= 0), 0) AS not_due,
            COALESCE(SUM(%(r)s) FILTER (WHERE %(r)s > 0 AND %(days)s BETWEEN 1 AND 30), 0) AS b1_30,
            COALESCE(SUM(%(r)s) FILTER (WHERE %(r)s > 0 AND %(days)s BETWEEN 31 AND 60), 0) AS b31_60,
            COALESCE(SUM(%(r)s) FILTER (WHERE %(r)s > 0 AND %(days)s BETWEEN 61 AND 90), 0) AS b61_90,
            COALESCE(SUM(%(r)s) FILTER (WHERE %(r)s > 0 AND %(days)s > 90), 0) AS b90_plus,
            COALESCE(SUM(%(r)s) FILTER (WHERE %(r)s < 0), 0) AS credit,
            COALESCE(SUM(%(r)s), 0) AS total
            """,
            r=residual, days=days,
        )

    # === Aging and balances === #
    @api.model
    def _aging_as_of(self, company, as_of, partner_ids=None):
        """Aging by customer as of a day: a dict per customer (partner_id None for items without one) with the
        buckets not_due, b1_30, b31_60, b61_90, b90_plus, the unapplied credits and the total."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT r.partner_id, %(sums)s FROM (%(lines)s) r WHERE r.residual != 0 GROUP BY r.partner_id",
            sums=self._bucket_sums_sql(as_of), lines=self._lines_as_of_sql(company, [as_of], partner_ids),
        ))
        return self.env.cr.dictfetchall()

    @api.model
    def _receivable_balance(self, company, as_of, partner_ids=None):
        """Balance of the receivable accounts at the end of a day (for the given customers)."""
        self.env.flush_all()
        partner_filter = SQL(
            " AND l.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id IN %s)", tuple(partner_ids),
        ) if partner_ids else SQL()
        self.env.cr.execute(SQL(
            "SELECT COALESCE(SUM(l.balance), 0) FROM account_move_line l "
            "WHERE %s AND l.company_id = %s AND l.date <= %s %s",
            self._receivable_sql(), company.id, as_of, partner_filter,
        ))
        return self.env.cr.fetchone()[0]

    @api.model
    def _open_and_overdue(self, company, days):
        """{day: (gross open receivables, overdue receivables)} at the end of each day, in one query."""
        if not days:
            return {}
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT d.day,
                   COALESCE(SUM(r.residual) FILTER (WHERE r.residual > 0), 0),
                   COALESCE(SUM(r.residual) FILTER (WHERE r.residual > 0 AND r.due < d.day), 0)
              FROM unnest(%s::date[]) AS d(day)
              LEFT JOIN (%s) r ON r.day = d.day
             GROUP BY d.day
            """,
            list(days), self._lines_as_of_sql(company, days),
        ))
        return {day: (gross, overdue) for day, gross, overdue in self.env.cr.fetchall()}

    # === Flows over a period === #
    @api.model
    def _sales(self, company, date_from, date_to, group_month=False):
        """Customer invoices less credit notes dated in the period (company currency, taxes included)."""
        self.env.flush_all()
        month = SQL("date_trunc('month', m.invoice_date)::date") if group_month else SQL("NULL::date")
        self.env.cr.execute(SQL(
            """
            SELECT %(month)s, COALESCE(SUM(m.amount_total_signed), 0)
              FROM account_move m
             WHERE m.company_id = %(company)s AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.invoice_date BETWEEN %(date_from)s AND %(date_to)s
             GROUP BY 1
            """,
            month=month, company=company.id, date_from=date_from, date_to=date_to,
        ))
        rows = dict(self.env.cr.fetchall())
        return rows if group_month else rows.get(None, 0.0)

    @api.model
    def _settlements(self, company, date_from, date_to, group_by=None):
        """How customer invoices were settled in the period (a partial counts on its date), grouped by
        None, 'collector' (the invoice's, else its customer file's), 'partner' or 'month':
        {key: {'collected', 'credited', 'written_off'}}.

        Collected: against a bank, cash or card journal. Credited: against a credit note. Written off: against
        a miscellaneous entry other than an exchange difference."""
        self.env.flush_all()
        keys = {
            None: SQL("NULL::int"),
            "collector": SQL("COALESCE(m.collection_user_id, c.user_id)"),
            "partner": SQL("m.commercial_partner_id"),
            "month": SQL("date_trunc('month', pr.max_date)::date"),
        }
        exchange_journal = company.currency_exchange_journal_id.id or 0
        self.env.cr.execute(SQL(
            """
            SELECT %(key)s,
                   COALESCE(SUM(pr.amount) FILTER (WHERE %(cash)s), 0),
                   COALESCE(SUM(pr.amount) FILTER (WHERE cm.move_type = 'out_refund'), 0),
                   COALESCE(SUM(pr.amount) FILTER (WHERE cj.type = 'general' AND cm.move_type = 'entry'
                                                     AND cj.id != %(exchange)s), 0)
              FROM account_partial_reconcile pr
              JOIN account_move_line dl ON dl.id = pr.debit_move_id
              JOIN account_move m ON m.id = dl.move_id AND m.move_type = 'out_invoice'
              LEFT JOIN collection_customer c
                     ON c.partner_id = m.commercial_partner_id AND c.company_id = m.company_id
              JOIN account_move_line cl ON cl.id = pr.credit_move_id
              JOIN account_move cm ON cm.id = cl.move_id
              JOIN account_journal cj ON cj.id = cm.journal_id
             WHERE pr.company_id = %(company)s AND pr.max_date BETWEEN %(date_from)s AND %(date_to)s
               AND %(receivable)s
             GROUP BY 1
            """,
            key=keys[group_by], cash=self._cash_journal_sql("cj"), exchange=exchange_journal, company=company.id,
            date_from=date_from, date_to=date_to, receivable=self._receivable_sql("dl"),
        ))
        return {key: {"collected": collected, "credited": credited, "written_off": written_off}
                for key, collected, credited, written_off in self.env.cr.fetchall()}

    @api.model
    def _put_into_collection(self, company, date_from, date_to, group_by=None):
        """Invoice items that fell overdue in the period (due the day before a day of it): what was open at
        the end of the due day, and what of it was collected after that day up to the end of the period.
        Grouped by None or 'collector': {key: (put into collection, collected)}."""
        self.env.flush_all()
        key = SQL("COALESCE(m.collection_user_id, c.user_id)") if group_by == "collector" else SQL("NULL::int")
        self.env.cr.execute(SQL(
            """
            SELECT x.key, COALESCE(SUM(x.open_at_due), 0), COALESCE(SUM(x.collected), 0)
              FROM (
                    SELECT %(key)s AS key,
                           l.balance - COALESCE(SUM(pr.amount) FILTER (WHERE pr.max_date <= l.date_maturity), 0)
                               AS open_at_due,
                           COALESCE(SUM(pr.amount) FILTER (WHERE pr.max_date > l.date_maturity
                                                             AND pr.max_date <= %(date_to)s AND %(cash)s), 0)
                               AS collected
                      FROM account_move_line l
                      JOIN account_move m ON m.id = l.move_id AND m.move_type = 'out_invoice'
                      LEFT JOIN collection_customer c
                             ON c.partner_id = m.commercial_partner_id AND c.company_id = m.company_id
                      LEFT JOIN account_partial_reconcile pr ON pr.debit_move_id = l.id
                      LEFT JOIN account_move_line cl ON cl.id = pr.credit_move_id
                      LEFT JOIN account_journal cj ON cj.id = cl.journal_id
                     WHERE %(receivable)s AND l.company_id = %(company)s AND l.balance > 0
                       AND l.date_maturity BETWEEN %(first_due)s AND %(last_due)s
                     GROUP BY l.id, m.id, c.id
              ) x
             WHERE x.open_at_due > 0
             GROUP BY x.key
            """,
            key=key, date_to=date_to, cash=self._cash_journal_sql("cj"), receivable=self._receivable_sql(),
            company=company.id, first_due=date_from - timedelta(days=1), last_due=date_to - timedelta(days=1),
        ))
        return {key: (put, collected) for key, put, collected in self.env.cr.fetchall()}

    @api.model
    def _paid_items(self, company, date_from, date_to, group_by=None):
        """Invoice items fully settled in the period, at least partly in cash (the day of their last partial):
        {key: (count, average days from invoice date to payment, amount-weighted average days late, amount)}.
        Grouped by None or 'partner'."""
        self.env.flush_all()
        key = SQL("p.key") if group_by == "partner" else SQL("NULL::int")
        self.env.cr.execute(SQL(
            """
            SELECT %(key)s, count(*), AVG(p.paid_on - p.invoice_date)::float,
                   (SUM(p.balance * GREATEST(p.paid_on - p.due, 0)) / NULLIF(SUM(p.balance), 0))::float,
                   SUM(p.balance)
              FROM (
                    SELECT m.commercial_partner_id AS key, l.balance, COALESCE(m.invoice_date, l.date) AS invoice_date,
                           COALESCE(l.date_maturity, l.date) AS due, MAX(pr.max_date) AS paid_on
                      FROM account_move_line l
                      JOIN account_move m ON m.id = l.move_id AND m.move_type = 'out_invoice'
                      JOIN account_partial_reconcile pr ON pr.debit_move_id = l.id
                      JOIN account_move_line cl ON cl.id = pr.credit_move_id
                      JOIN account_journal cj ON cj.id = cl.journal_id
                     WHERE %(receivable)s AND l.company_id = %(company)s AND l.reconciled AND l.balance > 0
                     GROUP BY l.id, m.id
                    HAVING bool_or(%(cash)s) AND MAX(pr.max_date) BETWEEN %(date_from)s AND %(date_to)s
              ) p
             GROUP BY 1
            """,
            key=key, receivable=self._receivable_sql(), company=company.id, cash=self._cash_journal_sql("cj"),
            date_from=date_from, date_to=date_to,
        ))
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.model
    def _bucket_history(self, company, snapshots, window_days):
        """For each snapshot day: what was open in each aging bucket at its start, and what of it was collected
        in cash within `window_days` from it; summed over the snapshots: {bucket: (open, collected)}."""
        if not snapshots:
            return {}
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT CASE WHEN x.days <= 0 THEN 'not_due' WHEN x.days <= 30 THEN '1_30' WHEN x.days <= 60 THEN '31_60'
                        WHEN x.days <= 90 THEN '61_90' ELSE '90_plus' END AS bucket,
                   SUM(x.open_amount), SUM(x.collected)
              FROM (
                    SELECT s.day - COALESCE(l.date_maturity, l.date) AS days,
                           l.balance - COALESCE(SUM(pr.amount) FILTER (WHERE pr.max_date < s.day), 0) AS open_amount,
                           COALESCE(SUM(pr.amount) FILTER (WHERE pr.max_date >= s.day
                                                             AND pr.max_date < s.day + %(window)s
                                                             AND %(cash)s), 0) AS collected
                      FROM unnest(%(snapshots)s::date[]) AS s(day)
                      JOIN account_move_line l ON l.date < s.day
                      LEFT JOIN account_partial_reconcile pr ON pr.debit_move_id = l.id
                      LEFT JOIN account_move_line cl ON cl.id = pr.credit_move_id
                      LEFT JOIN account_journal cj ON cj.id = cl.journal_id
                     WHERE %(receivable)s AND l.company_id = %(company)s AND l.balance > 0
                       AND (NOT l.reconciled OR l.id IN (SELECT debit_move_id FROM account_partial_reconcile
                                                          WHERE max_date >= %(first)s))
                     GROUP BY s.day, l.id
              ) x
             WHERE x.open_amount > 0
             GROUP BY 1
            """,
            window=window_days, cash=self._cash_journal_sql("cj"), snapshots=list(snapshots),
            receivable=self._receivable_sql(), company=company.id, first=min(snapshots),
        ))
        return {bucket: (open_amount, collected) for bucket, open_amount, collected in self.env.cr.fetchall()}

