from odoo import api, fields, models
from odoo.tools import SQL


class CollectionWorklist(models.Model):
    """Today's customers of each collector, one row per customer file in collection: those with a follow-up due
    (a calendar action, an activity, a promise, an instalment or a contact's next step, today or earlier) first,
    then by the priority the manager weighs on the policy.

    A view read as of the user's today (a query, not a table: what is due moves every day); its buttons act
    on the customer file, whose id the row shares."""

    _name = "collection.worklist"
    _description = "Collection Worklist"
    _auto = False
    _order = "is_due desc, priority desc, claim_amount desc, id"
    _rec_name = "partner_id"

    # === Fields === #
    customer_id = fields.Many2one("collection.customer", string="Customer File", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    stage_id = fields.Many2one("collection.stage", readonly=True)
    stage_color = fields.Integer(related="stage_id.color")
    priority = fields.Integer(readonly=True, aggregator="max")
    claim_amount = fields.Monetary(string="Amount Claimed", readonly=True)
    overdue_amount = fields.Monetary(string="Total Overdue", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    next_date = fields.Date(string="Follow-up On", readonly=True)
    is_due = fields.Boolean(string="Follow-up Due", readonly=True)
    next_action_id = fields.Many2one("collection.action", readonly=True)
    activity_date = fields.Date(string="Next Activity", readonly=True)
    promise_date = fields.Date(string="Promise Due", readonly=True)
    promise_due_today = fields.Boolean(readonly=True)
    instalment_date = fields.Date(string="Instalment Due", readonly=True)
    open_dispute_count = fields.Integer(string="Open Disputes", readonly=True)
    last_contact_date = fields.Datetime(string="Last Contact", readonly=True)
    # === Who to call, and when (from the customer file) === #
    ap_contact_id = fields.Many2one(related="customer_id.ap_contact_id")
    ap_phone = fields.Char(related="customer_id.ap_phone")
    ap_mobile = fields.Char(related="customer_id.ap_mobile")
    ap_email = fields.Char(related="customer_id.ap_email")
    customer_local_time = fields.Char(related="customer_id.customer_local_time")
    call_windows = fields.Char(related="customer_id.call_windows")
    in_call_window = fields.Boolean(related="customer_id.in_call_window")
    call_script_id = fields.Many2one(related="customer_id.call_script_id")
    call_script_body = fields.Html(related="customer_id.call_script_body", string="Call Script")
    promise_record = fields.Char(related="customer_id.promise_record")
    debtor_class = fields.Selection(related="customer_id.debtor_class")
    my_team = fields.Boolean(compute="_compute_my_team", search="_search_my_team")

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT c.id, c.id AS customer_id, c.partner_id, c.company_id, c.user_id, c.stage_id,
                   COALESCE(c.work_priority, 0) AS priority, c.claim_amount, c.overdue_amount, c.days_overdue,
                   c.next_action_id, act.deadline AS activity_date, pr.day AS promise_date,
                   COALESCE(pr.day = d.today, FALSE) AS promise_due_today, pl.day AS instalment_date,
                   COALESCE(ds.n, 0) AS open_dispute_count, ct.last_date AS last_contact_date, due.day AS next_date,
                   COALESCE(due.day <= d.today, FALSE) AS is_due
              FROM collection_customer c
              JOIN %(days)s ON d.company_id = c.company_id
              LEFT JOIN (SELECT res_id, min(date_deadline) AS deadline FROM mail_activity
                          WHERE res_model = 'collection.customer' AND active GROUP BY res_id) act ON act.res_id = c.id
              LEFT JOIN (SELECT customer_id, min(date) AS day FROM collection_promise
                          WHERE state = 'open' GROUP BY customer_id) pr ON pr.customer_id = c.id
              LEFT JOIN (SELECT p.customer_id, min(l.date) AS day
                           FROM collection_payment_plan_line l JOIN collection_payment_plan p ON p.id = l.plan_id
                          WHERE p.state = 'active' AND l.state != 'paid' GROUP BY p.customer_id) pl
                     ON pl.customer_id = c.id
              LEFT JOIN (SELECT customer_id, count(*) AS n FROM collection_dispute
                          WHERE state = 'open' GROUP BY customer_id) ds ON ds.customer_id = c.id
              LEFT JOIN (SELECT DISTINCT ON (customer_id) customer_id, date AS last_date, next_date
                           FROM collection_contact ORDER BY customer_id, date DESC, id DESC) ct
                     ON ct.customer_id = c.id
              CROSS JOIN LATERAL (
                  SELECT min(d) AS day FROM (VALUES (c.next_action_date), (act.deadline), (pr.day), (pl.day),
                                                    (ct.next_date)) AS dates(d)
              ) due
             WHERE c.overdue_count > 0 OR c.stage_id IS NOT NULL OR pr.customer_id IS NOT NULL
                OR pl.customer_id IS NOT NULL
            """,
            days=self.env["collection.escalation"]._company_days(),   # each company on its own day
        )

    # === Compute === #
    @api.depends_context("uid")
    def _compute_my_team(self):
        members = self._my_team_members()
        for row in self:
            row.my_team = row.user_id in members

    def _search_my_team(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on the team: %s", operator))
        positive = (operator == "=") == value
        return [("user_id", "in" if positive else "not in", self._my_team_members().ids)]

    def _my_team_members(self):
        """The collectors of the teams the current user supervises, and the user."""
        teams = self.env["collection.team"].search([("supervisor_id", "=", self.env.uid)])
        return teams.member_ids | self.env.user

    # === Actions: one click, on the customer file === #
    def action_work_call(self):
        return self.customer_id.action_work_call()

    def action_work_log(self):
        return self.customer_id.action_work_log()

    def action_work_promise(self):
        return self.customer_id.action_work_promise()

    def action_work_dispute(self):
        return self.customer_id.action_work_dispute()

    def action_work_plan(self):
        return self.customer_id.action_work_plan()

    def action_work_letter(self):
        return self.customer_id.action_work_letter()

    def action_work_visit(self):
        return self.customer_id.action_plan_visits()

    def action_open_customer(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "collection.customer", "res_id": self.customer_id.id,
                "view_mode": "form", "name": self.partner_id.display_name}

    def action_reassign(self):
        return self.customer_id.action_reassign()
