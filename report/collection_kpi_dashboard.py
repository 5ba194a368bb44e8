from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date

from ..tools import kpi
from ..tools.aging import AGING_BUCKETS, aging_bucket
from ..tools.dates import zone_name

# The figures of the dashboard; each is computed by _compute_kpis from one _kpi_data() call.
KPI_FIELDS = (
    "dso", "sales", "receivable_start", "receivable_end", "overdue_rate", "open_amount", "overdue_amount",
    "collected", "success_rate", "put_into_collection", "collected_from_put", "bad_debt_rate", "written_off",
    "promise_kept_rate", "promises_kept", "promises_broken", "avg_cycle_days", "avg_days_late", "paid_count",
    "legal_cost_ratio", "legal_costs", "legal_recovered", "legal_cost_note",
)
SECTION_TEMPLATES = {
    "stage_html": "account_collection_litigation.collection_kpi_stage_table",
    "collector_html": "account_collection_litigation.collection_kpi_collector_table",
    "channel_html": "account_collection_litigation.collection_kpi_channel_table",
    "hour_html": "account_collection_litigation.collection_kpi_hour_table",
    "target_html": "account_collection_litigation.collection_kpi_target_table",
    "trend_html": "account_collection_litigation.collection_kpi_trend_table",
    "chart_html": "account_collection_litigation.collection_kpi_month_chart",
}


class CollectionKpiDashboard(models.TransientModel):
    """The collection KPIs of a company over a period, each with its definition, read with grouped SQL over the
    whole ledger and collection history (collection.ledger): nothing is computed record by record."""

    _name = "collection.kpi.dashboard"
    _description = "Collection: KPI Dashboard"
    _check_company_auto = True

    def _default_date_from(self):
        today = self.env["collection.escalation"]._today()
        return today.replace(day=1) - relativedelta(months=11)

    def _default_date_to(self):
        return self.env["collection.escalation"]._today()

    # === Period === #
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company,
                                 domain=lambda self: [("id", "in", self.env.companies.ids)])
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, default=lambda self: self._default_date_from())
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_date_to())

    # === Cash and receivables === #
    dso = fields.Float(string="DSO", digits=(16, 1), compute="_compute_kpis")
    sales = fields.Monetary(string="Invoiced", compute="_compute_kpis")
    receivable_start = fields.Monetary(string="Receivables at the Start", compute="_compute_kpis")
    receivable_end = fields.Monetary(string="Receivables at the End", compute="_compute_kpis")
    overdue_rate = fields.Float(compute="_compute_kpis")
    open_amount = fields.Monetary(string="Open Receivables", compute="_compute_kpis")
    overdue_amount = fields.Monetary(string="Overdue Receivables", compute="_compute_kpis")
    collected = fields.Monetary(compute="_compute_kpis")
    # === Collection === #
    success_rate = fields.Float(string="Collection Success Rate", compute="_compute_kpis")
    put_into_collection = fields.Monetary(compute="_compute_kpis")
    collected_from_put = fields.Monetary(string="Collected of It", compute="_compute_kpis")
    bad_debt_rate = fields.Float(compute="_compute_kpis")
    written_off = fields.Monetary(compute="_compute_kpis")
    promise_kept_rate = fields.Float(compute="_compute_kpis")
    promises_kept = fields.Integer(compute="_compute_kpis")
    promises_broken = fields.Integer(compute="_compute_kpis")
    avg_cycle_days = fields.Float(string="Average Collection Cycle", digits=(16, 2), compute="_compute_kpis")
    avg_days_late = fields.Float(string="Average Days Late", digits=(16, 2), compute="_compute_kpis")
    paid_count = fields.Integer(string="Invoices Paid", compute="_compute_kpis")
    legal_cost_ratio = fields.Float(compute="_compute_kpis")
    legal_costs = fields.Monetary(compute="_compute_kpis")
    legal_recovered = fields.Monetary(string="Recovered Through Legal Cases", compute="_compute_kpis")
    legal_cost_note = fields.Char(compute="_compute_kpis")
    # === Breakdowns === #
    stage_html = fields.Html(string="Success per Stage", compute="_compute_kpis", sanitize=False)
    collector_html = fields.Html(string="Collector Productivity", compute="_compute_kpis", sanitize=False)
    channel_html = fields.Html(string="Results by Channel", compute="_compute_kpis", sanitize=False)
    hour_html = fields.Html(string="Results by Hour", compute="_compute_kpis", sanitize=False)
    target_html = fields.Html(string="Targets", compute="_compute_kpis", sanitize=False)
    trend_html = fields.Html(string="Trends by Month", compute="_compute_kpis", sanitize=False)
    chart_html = fields.Html(string="Invoiced and Collected by Month", compute="_compute_kpis", sanitize=False)
    # === Cash forecast, from today === #
    forecast_weeks = fields.Integer(string="Weeks Ahead", default=12)
    forecast_html = fields.Html(string="Cash Forecast", compute="_compute_forecast", sanitize=False)

    # === Compute === #
    @api.depends("company_id", "date_from", "date_to")
    def _compute_kpis(self):
        for dashboard in self:
            if not (dashboard.date_from and dashboard.date_to) or dashboard.date_from > dashboard.date_to:
                dashboard.update(dict.fromkeys(KPI_FIELDS, False) | dict.fromkeys(SECTION_TEMPLATES, False))
                continue
            data = dashboard._kpi_data()
            dashboard.update({name: data[name] for name in KPI_FIELDS})
            qweb = self.env["ir.qweb"]
            for name, template in SECTION_TEMPLATES.items():
                dashboard[name] = qweb._render(template, {**data, "currency": data["company"].currency_id})

    @api.depends("company_id", "forecast_weeks")
    def _compute_forecast(self):
        for dashboard in self:
            company = dashboard.company_id or self.env.company
            weeks = min(max(dashboard.forecast_weeks, 1), 104)
            data = dashboard._forecast(company, weeks)
            dashboard.forecast_html = self.env["ir.qweb"]._render(
                "account_collection_litigation.collection_kpi_forecast_table",
                {**data, "currency": company.currency_id},
            )

    @api.depends("date_from", "date_to")
    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._(
                "Collection KPIs %(start)s – %(end)s", start=format_date(self.env, dashboard.date_from),
                end=format_date(self.env, dashboard.date_to))

    # === Constraints === #
    @api.constrains("date_from", "date_to")
    def _check_period(self):
        if any(dashboard.date_from > dashboard.date_to for dashboard in self):
            raise ValidationError(self.env._("The period of the dashboard ends before it starts."))

    # === Actions === #
    @api.model
    def action_open_dashboard(self):
        """The menu's entry: a dashboard of the last twelve months, saved so that it opens with its figures and
        its title rather than as a blank "New" form."""
        self.env["account.move"]._collection_check_team()
        dashboard = self.create({})
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "res_id": dashboard.id,
            "name": self.env._("Collection KPIs"), "view_mode": "form", "views": [(False, "form")],
            "target": "current",
        }

    def action_open_aging_graph(self):
        return self._open_aging("graph")

    def action_open_aging_pivot(self):
        return self._open_aging("pivot")

    def _open_aging(self, view_type):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_aging_report_action")
        views = {mode: view_id for view_id, mode in action.get("views", [])}
        action["views"] = [(views.get(view_type), view_type)] + [
            (view_id, mode) for mode, view_id in views.items() if mode != view_type]
        return action

    # === Business === #
    def _kpi_data(self):
        """Every figure of the dashboard for its company and period, as plain values."""
        self.ensure_one()
        self.env["account.move"]._collection_check_team()
        # The company field is shown to multi-company users only: the others work in their current company.
        company, date_from, date_to = self.company_id or self.env.company, self.date_from, self.date_to
        if company not in self.env.companies:
            raise ValidationError(self.env._("Choose one of your companies."))
        ledger = self.env["collection.ledger"]
        days = kpi.period_days(date_from, date_to)
        start_day = date_from - timedelta(days=1)
        receivable_start = ledger._receivable_balance(company, start_day)
        receivable_end = ledger._receivable_balance(company, date_to)
        sales = ledger._sales(company, date_from, date_to)
        open_amount, overdue_amount = ledger._open_and_overdue(company, [date_to])[date_to]
        settled = ledger._settlements(company, date_from, date_to).get(None, {})
        put, collected_from_put = ledger._put_into_collection(company, date_from, date_to).get(None, (0.0, 0.0))
        kept, broken = self._promises(company, date_from, date_to).get(None, (0, 0))
        paid_count, cycle, late, _amount = ledger._paid_items(company, date_from, date_to).get(None, (0, 0, 0, 0))
        legal = self._legal_costs(company, date_from, date_to)
        written_off = settled.get("written_off", 0.0)
        return {
            "company": company, "date_from": date_from, "date_to": date_to,
            "dso": kpi.dso(receivable_start, receivable_end, sales, days),
            "sales": sales, "receivable_start": receivable_start, "receivable_end": receivable_end,
            "overdue_rate": kpi.overdue_rate(overdue_amount, open_amount),
            "open_amount": open_amount, "overdue_amount": overdue_amount,
            "collected": settled.get("collected", 0.0),
            "success_rate": kpi.success_rate(collected_from_put, put),
            "put_into_collection": put, "collected_from_put": collected_from_put,
            "bad_debt_rate": kpi.bad_debt_rate(written_off, open_amount), "written_off": written_off,
            "promise_kept_rate": kpi.promise_kept_rate(kept, broken),
            "promises_kept": kept, "promises_broken": broken,
            "avg_cycle_days": cycle or 0.0, "avg_days_late": late or 0.0, "paid_count": paid_count,
            "legal_cost_ratio": kpi.ratio(legal["costs"], legal["recovered"]),
            "legal_costs": legal["costs"], "legal_recovered": legal["recovered"], "legal_cost_note": legal["note"],
            "stages": self._stage_success(company, date_from, date_to),
            "collectors": self._collector_rows(company, date_from, date_to),
            "channels": self._channel_rows(company, date_from, date_to, "channel"),
            "hours": self._channel_rows(company, date_from, date_to, "hour"),
            "targets": self._target_rows(company, date_from, date_to),
            "months": self._month_rows(company, date_from, date_to),
        }

    @api.model
    def _forecast(self, company, weeks, today=None):
        """Expected collections per week from today: promises to pay on their date, weighted by the promise-kept
        rate of the last 12 months; plan instalments on their date, weighted by the same rate; every other open
        receivable on its due date (this week when overdue), weighted by the historical collection rate of the
        aging bucket it is in today (see collection.ledger._bucket_history)."""
        self.env["account.move"]._collection_check_team()
        today = today or self.env["collection.escalation"]._today(company)
        ledger = self.env["collection.ledger"]
        history = ledger._bucket_history(company, kpi.rate_snapshots(today), kpi.RATE_WINDOW_DAYS)
        buckets = [bucket for bucket, _label in AGING_BUCKETS]
        rates = kpi.bucket_rates({b: values[0] for b, values in history.items()},
                                 {b: values[1] for b, values in history.items()}, buckets)
        kept, broken = self._promises(company, today - timedelta(days=365), today).get(None, (0, 0))
        promise_rate = kpi.promise_kept_rate(kept, broken) if kept + broken else 1.0
        plans_done, plans_broken = self._plans_settled(company, today - timedelta(days=365), today)
        plan_rate = kpi.promise_kept_rate(plans_done, plans_broken) if plans_done + plans_broken else promise_rate
        items = [kpi.ForecastItem("promise", day, amount, promise_rate)
                 for day, amount in self._promised_amounts(company, today)]
        items += [kpi.ForecastItem("plan", day, amount, plan_rate)
                  for day, amount in self._plan_instalments(company, today)]
        items += [kpi.ForecastItem("due", due, amount, rates[aging_bucket((today - due).days)])
                  for due, amount in self._open_by_due_date(company, today)]
        labels = dict(AGING_BUCKETS)
        return {
            "today": today, "weeks": kpi.forecast_by_week(items, today, weeks), "promise_rate": promise_rate,
            "plan_rate": plan_rate,
            "rates": [{"name": labels[bucket], "rate": rates[bucket],
                       "history": bucket in history} for bucket in buckets],
        }

    @api.model
    def _covered_by_arrangement_sql(self, today):
        """A receivable item covered by an active promise or payment plan (whole customer or its invoice)."""
        return SQL(
            """EXISTS (SELECT 1 FROM collection_pause cp
                        WHERE cp.company_id = l.company_id AND cp.state = 'active'
                          AND cp.reason IN ('promise', 'payment_plan') AND cp.date_from <= %(today)s
                          AND cp.partner_id = COALESCE(p.commercial_partner_id, l.partner_id)
                          AND (NOT EXISTS (SELECT 1 FROM collection_pause_move_rel r WHERE r.pause_id = cp.id)
                               OR EXISTS (SELECT 1 FROM collection_pause_move_rel r
                                           WHERE r.pause_id = cp.id AND r.move_id = l.move_id)))""",
            today=today,
        )

    @api.model
    def _open_by_due_date(self, company, today):
        """Open receivable debits not covered by a promise or a plan, summed by due date."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT COALESCE(l.date_maturity, l.date), SUM(l.amount_residual)
              FROM account_move_line l LEFT JOIN res_partner p ON p.id = l.partner_id
             WHERE %(receivable)s AND l.company_id = %(company)s AND NOT l.reconciled AND l.amount_residual > 0
               AND NOT %(covered)s
             GROUP BY 1
            """,
            receivable=self.env["collection.ledger"]._receivable_sql(), company=company.id,
            covered=self._covered_by_arrangement_sql(today),
        ))
        return self.env.cr.fetchall()

    @api.model
    def _promised_amounts(self, company, today):
        """Amounts promised by active promises to pay, by promised date."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT date_to, SUM(promise_amount) FROM collection_pause
             WHERE company_id = %s AND reason = 'promise' AND state = 'active' AND date_from <= %s
               AND date_to IS NOT NULL AND promise_amount > 0
             GROUP BY 1
            """,
            company.id, today,
        ))
        return self.env.cr.fetchall()

    @api.model
    def _plan_instalments(self, company, today):
        """What the instalments of running payment plans (in the company currency) still owe, by due date."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT l.date, SUM(l.amount - COALESCE(l.amount_paid, 0))
              FROM collection_payment_plan_line l JOIN collection_payment_plan p ON p.id = l.plan_id
             WHERE p.company_id = %s AND p.currency_id = %s AND p.state = 'active' AND l.state != 'paid'
               AND l.amount > COALESCE(l.amount_paid, 0)
             GROUP BY 1
            """,
            company.id, company.currency_id.id,
        ))
        return self.env.cr.fetchall()

    @api.model
    def _plans_settled(self, company, date_from, date_to):
        """Payment plans paid in full and broken in a period: (done, broken)."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT count(*) FILTER (WHERE state = 'done' AND done_on BETWEEN %(date_from)s AND %(date_to)s),
                   count(*) FILTER (WHERE state = 'broken' AND broken_on BETWEEN %(date_from)s AND %(date_to)s)
              FROM collection_payment_plan WHERE company_id = %(company)s
            """,
            date_from=date_from, date_to=date_to, company=company.id,
        ))
        return self.env.cr.fetchone()

    @api.model
    def _promises(self, company, date_from, date_to, group_by=None):
        """Promises to pay settled (kept or broken) in the period: {key: (kept, broken)}, by None or 'collector'."""
        self.env.flush_all()
        key = SQL("c.user_id") if group_by == "collector" else SQL("NULL::int")
        self.env.cr.execute(SQL(
            """
            SELECT %(key)s, count(*) FILTER (WHERE p.state = 'kept'), count(*) FILTER (WHERE p.state = 'broken')
              FROM collection_pause p LEFT JOIN collection_customer c ON c.id = p.customer_id
             WHERE p.company_id = %(company)s AND p.reason = 'promise' AND p.state IN ('kept', 'broken')
               AND p.ended_on BETWEEN %(date_from)s AND %(date_to)s
             GROUP BY 1
            """,
            key=key, company=company.id, date_from=date_from, date_to=date_to,
        ))
        return {key: (kept, broken) for key, kept, broken in self.env.cr.fetchall()}

    @api.model
    def _legal_costs(self, company, date_from, date_to):
        """Legal cost ratio's figures, in the company currency: the costs of legal cases dated in the period
        (lawyer, court, preservation, enforcement and other costs), and the cash collected in the period on the
        invoices claimed in legal cases."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT count(*), COALESCE(SUM(cc.amount), 0)
              FROM collection_case_cost cc JOIN collection_case c ON c.id = cc.case_id
             WHERE c.company_id = %(company)s AND cc.currency_id = %(currency)s
               AND cc.date BETWEEN %(date_from)s AND %(date_to)s
            """,
            company=company.id, currency=company.currency_id.id, date_from=date_from, date_to=date_to,
        ))
        count, costs = self.env.cr.fetchone()
        self.env.cr.execute(SQL(
            """
            SELECT COALESCE(SUM(pr.amount), 0)
              FROM account_partial_reconcile pr
              JOIN account_move_line dl ON dl.id = pr.debit_move_id
              JOIN account_move_line cl ON cl.id = pr.credit_move_id
              JOIN account_journal cj ON cj.id = cl.journal_id
             WHERE pr.company_id = %(company)s AND pr.max_date BETWEEN %(date_from)s AND %(date_to)s AND %(cash)s
               AND dl.move_id IN (SELECT move_id FROM collection_case_line)
            """,
            company=company.id, date_from=date_from, date_to=date_to,
            cash=self.env["collection.ledger"]._cash_journal_sql("cj"),
        ))
        recovered = self.env.cr.fetchone()[0]
        if not count:
            note = self.env._("No legal case cost is dated in the period: the ratio is 0.")
        else:
            note = self.env._("%(count)s case cost(s) in the period, over the cash collected on the invoices claimed "
                              "in legal cases.", count=count)
        return {"costs": costs, "recovered": recovered, "note": note}

    @api.model
    def _stage_success(self, company, date_from, date_to):
        """Per stage: the invoices that entered it in the period, and those of them paid while in it (their
        next stage change was the payment's), by number and amount."""
        self.env.flush_all()
        local_date = self.env["collection.escalation"]._company_date_sql(company, SQL("h.date"))
        self.env.cr.execute(SQL(
            """
            WITH entry AS (
                SELECT DISTINCT ON (h.move_id, h.stage_to_id) h.move_id, h.stage_to_id AS stage_id, h.date
                  FROM collection_history h
                 WHERE h.company_id = %(company)s AND h.event = 'stage' AND h.move_id IS NOT NULL
                   AND h.stage_to_id IS NOT NULL AND %(local_date)s BETWEEN %(date_from)s AND %(date_to)s
                 ORDER BY h.move_id, h.stage_to_id, h.date
            )
            SELECT e.stage_id, count(*), COALESCE(SUM(m.amount_total_signed), 0),
                   count(*) FILTER (WHERE paid.id IS NOT NULL),
                   COALESCE(SUM(m.amount_total_signed) FILTER (WHERE paid.id IS NOT NULL), 0)
              FROM entry e
              JOIN account_move m ON m.id = e.move_id
              LEFT JOIN LATERAL (
                    SELECT x.id FROM collection_history x
                     WHERE x.move_id = e.move_id AND x.event = 'stage' AND x.stage_from_id = e.stage_id
                       AND x.date >= e.date AND x.trigger = 'payment'
                     LIMIT 1) paid ON TRUE
             GROUP BY e.stage_id
            """,
            company=company.id, local_date=local_date, date_from=date_from, date_to=date_to,
        ))
        rows = self.env.cr.fetchall()
        stages = self.env["collection.stage"].sudo().browse([row[0] for row in rows])
        several_policies = len(stages.policy_id) > 1
        result = []
        for stage_id, entered, entered_amount, paid, paid_amount in rows:
            stage = stages.browse(stage_id)
            result.append({
                "name": f"{stage.name} ({stage.policy_id.name})" if several_policies else stage.name,
                "order": (stage.policy_id.id, stage.days_from),
                "entered": entered, "entered_amount": entered_amount, "paid": paid, "paid_amount": paid_amount,
                "rate": kpi.ratio(paid, entered), "amount_rate": kpi.ratio(paid_amount, entered_amount),
            })
        return sorted(result, key=lambda row: row["order"])

    @api.model
    def _actions_by_collector(self, company, date_from, date_to):
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT c.user_id, count(*)
              FROM collection_history h JOIN collection_customer c ON c.id = h.customer_id
             WHERE h.company_id = %(company)s AND h.event = 'action' AND h.state = 'done'
               AND %(local_date)s BETWEEN %(date_from)s AND %(date_to)s
             GROUP BY c.user_id
            """,
            company=company.id, date_from=date_from,
            local_date=self.env["collection.escalation"]._company_date_sql(company, SQL("h.date")),
            date_to=date_to,
        ))
        return dict(self.env.cr.fetchall())

    @api.model
    def _contacts_by_collector(self, company, date_from, date_to):
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT c.user_id, count(*) FROM collection_contact c
             WHERE c.company_id = %(company)s AND %(local_date)s BETWEEN %(date_from)s AND %(date_to)s
             GROUP BY c.user_id
            """,
            company=company.id, date_from=date_from,
            local_date=self.env["collection.escalation"]._company_date_sql(company, SQL("c.date")),
            date_to=date_to,
        ))
        return dict(self.env.cr.fetchall())

    @api.model
    def _collector_rows(self, company, date_from, date_to):
        """Per collector: customers and overdue amount in their hands today, calendar actions carried out for
        their customers and contacts they logged, cash collected and success rate in the period, promises kept
        and broken."""
        ledger = self.env["collection.ledger"]
        workload = {
            user.id: (count, overdue) for user, count, overdue in self.env["collection.customer"].sudo()._read_group(
                [("company_id", "=", company.id), ("open_count", ">", 0)], ["user_id"],
                ["__count", "overdue_amount:sum"])
        }
        actions = self._actions_by_collector(company, date_from, date_to)
        contacts = self._contacts_by_collector(company, date_from, date_to)
        settled = ledger._settlements(company, date_from, date_to, group_by="collector")
        cohort = ledger._put_into_collection(company, date_from, date_to, group_by="collector")
        promises = self._promises(company, date_from, date_to, group_by="collector")
        user_ids = {*workload, *actions, *contacts, *settled, *cohort, *promises}
        users = self.env["res.users"].sudo().browse([uid for uid in user_ids if uid])
        names = {user.id: user.name for user in users}
        rows = []
        for user_id in user_ids:
            customers, overdue = workload.get(user_id, (0, 0.0))
            put, collected_from_put = cohort.get(user_id, (0.0, 0.0))
            kept, broken = promises.get(user_id, (0, 0))
            collected = settled.get(user_id, {}).get("collected", 0.0)
            rows.append({
                "name": names.get(user_id) or self.env._("(no collector)"), "user_id": user_id,
                "customers": customers, "overdue": overdue, "actions": actions.get(user_id, 0),
                "contacts": contacts.get(user_id, 0),
                "collected": collected, "per_customer": kpi.ratio(collected, customers),
                "success_rate": kpi.success_rate(collected_from_put, put), "kept": kept, "broken": broken,
            })
        return sorted(rows, key=lambda row: (-row["collected"], row["name"]))

    @api.model
    def _channel_rows(self, company, date_from, date_to, by):
        """Calendar actions carried out and contacts logged in the period, by channel or by hour of the day
        (company clock), and the share of them followed by a cash payment of the customer within
        kpi.RESULT_DAYS days."""
        self.env.flush_all()
        tz = zone_name(company.sudo().partner_id.tz)

        def key(kind, column, channel):
            if by == "channel":
                return SQL("%s || ':' || %s", kind, channel)
            return SQL("EXTRACT(hour FROM %s AT TIME ZONE 'UTC' AT TIME ZONE %s)::int::text", column, tz)

        self.env.cr.execute(SQL(
            """
            WITH work AS (
                SELECT %(action_key)s AS key, h.partner_id, h.company_id, %(action_day)s AS day
                  FROM collection_history h JOIN collection_action a ON a.id = h.action_id
                 WHERE h.company_id = %(company)s AND h.event = 'action' AND h.state = 'done'
                   AND %(action_day)s BETWEEN %(date_from)s AND %(date_to)s
                 UNION ALL
                SELECT %(contact_key)s, c.partner_id, c.company_id, %(contact_day)s
                  FROM collection_contact c
                 WHERE c.company_id = %(company)s AND %(contact_day)s BETWEEN %(date_from)s AND %(date_to)s
            )
            SELECT w.key, count(*),
                   count(*) FILTER (WHERE EXISTS (
                        SELECT 1
                          FROM account_partial_reconcile pr
                          JOIN account_move_line dl ON dl.id = pr.debit_move_id
                          JOIN account_move_line cl ON cl.id = pr.credit_move_id
                          JOIN account_journal cj ON cj.id = cl.journal_id
                         WHERE pr.company_id = w.company_id AND %(cash)s
                           AND dl.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = w.partner_id)
                           AND pr.max_date BETWEEN w.day AND w.day + %(days)s))
              FROM work w
             GROUP BY 1
            """,
            action_key=key("action", SQL("h.date"), SQL("a.action_type")),
            contact_key=key("contact", SQL("c.date"), SQL("c.channel")),
            action_day=self.env["collection.escalation"]._company_date_sql(company, SQL("h.date")),
            contact_day=self.env["collection.escalation"]._company_date_sql(company, SQL("c.date")),
            cash=self.env["collection.ledger"]._cash_journal_sql("cj"), days=kpi.RESULT_DAYS,
            company=company.id, date_from=date_from, date_to=date_to,
        ))
        labels = {
            **{f"action:{value}": label for value, label in
               self.env["collection.action"]._fields["action_type"]._description_selection(self.env)},
            **{f"contact:{value}": label for value, label in
               self.env["collection.contact"]._fields["channel"]._description_selection(self.env)},
        }
        rows = []
        for key_value, count, followed in self.env.cr.fetchall():
            name = labels.get(key_value, key_value) if by == "channel" else f"{int(key_value):02d}:00"
            rows.append({"name": name, "count": count, "followed": followed, "rate": kpi.ratio(followed, count),
                         "order": key_value if by == "channel" else int(key_value)})
        return sorted(rows, key=lambda row: row["order"])

    @api.model
    def _target_rows(self, company, date_from, date_to):
        targets = self.env["collection.kpi.target"].search([
            ("company_id", "=", company.id), ("date_from", "<=", date_to), ("date_to", ">=", date_from),
        ])
        return [{
            "name": target.display_name, "target_amount": target.target_amount, "actual_amount": target.actual_amount,
            "attainment": target.attainment, "target_rate": target.target_rate, "actual_rate": target.actual_rate,
        } for target in targets]

    @api.model
    def _month_rows(self, company, date_from, date_to):
        """Per month of the period: invoiced, collected, written off, and the overdue rate at its end."""
        ledger = self.env["collection.ledger"]
        months = kpi.month_starts(date_from, date_to)
        ends = {month: min(date_to, month + relativedelta(months=1, days=-1)) for month in months}
        sales = ledger._sales(company, date_from, date_to, group_month=True)
        settled = ledger._settlements(company, date_from, date_to, group_by="month")
        balances = ledger._open_and_overdue(company, sorted(ends.values()))
        rows = []
        for month in months:
            gross, overdue = balances.get(ends[month], (0.0, 0.0))
            month_settled = settled.get(month, {})
            rows.append({
                "month": month, "sales": sales.get(month, 0.0), "collected": month_settled.get("collected", 0.0),
                "written_off": month_settled.get("written_off", 0.0), "open": gross, "overdue": overdue,
                "overdue_rate": kpi.overdue_rate(overdue, gross),
            })
        return rows
