from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..tools import kpi

MAX_ADJUSTMENT = 3


class CollectionCreditRating(models.Model):
    """A customer's credit grade in a company, from its payment behaviour over the last 12 months (average days
    late, overdue share, broken promises, disputes) and a manual adjustment in notches, with the credit limit and
    payment terms its grade recommends. The monthly regrading updates the figures and proposes changes of terms
    (collection.credit.proposal); it never changes a customer's terms itself."""

    _name = "collection.credit.rating"
    _description = "Customer Credit Rating"
    _inherit = ["mail.thread"]
    _order = "score, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    # === Fields === #
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    score = fields.Float(readonly=True, digits=(16, 1), aggregator="avg",
                         help="100 less penalties: days late (up to 40 points at 90 days), overdue share (up to 30), "
                              "broken promises (10 each, up to 20), disputes (5 each, up to 10).")
    computed_grade_id = fields.Many2one("collection.credit.grade", check_company=True,
                                        string="Grade from Behaviour", readonly=True)
    grade_id = fields.Many2one("collection.credit.grade", check_company=True, readonly=True, tracking=True,
                               help="The grade from behaviour moved by the manual adjustment; D for a blacklisted "
                                    "customer.")
    adjustment = fields.Integer(string="Manual Adjustment", tracking=True,
                                help="Notches up (positive) or down (negative) from the grade from behaviour.")
    adjustment_reason = fields.Char(tracking=True)
    avg_days_late = fields.Float(string="Average Days Late", readonly=True, digits=(16, 1), aggregator="avg")
    overdue_ratio = fields.Float(string="Overdue Share", readonly=True, aggregator="avg")
    broken_promises = fields.Integer(readonly=True)
    disputes = fields.Integer(readonly=True)
    monthly_sales = fields.Monetary(string="Average Monthly Invoicing", readonly=True)
    recommended_limit = fields.Monetary(readonly=True)
    recommended_term_id = fields.Many2one("account.payment.term", string="Recommended Terms", readonly=True)
    current_limit = fields.Float(string="Current Credit Limit", compute="_compute_current_terms")
    current_term_id = fields.Many2one("account.payment.term", string="Current Terms", compute="_compute_current_terms")
    rated_on = fields.Date(readonly=True)
    proposal_ids = fields.One2many("collection.credit.proposal", "rating_id", string="Proposals")

    _sql_constraints = [
        ("partner_company_unique", "UNIQUE(partner_id, company_id)", "A customer has one credit rating per company."),
        ("adjustment_bounded", f"CHECK(adjustment BETWEEN -{MAX_ADJUSTMENT} AND {MAX_ADJUSTMENT})",
         f"A manual adjustment moves a grade by at most {MAX_ADJUSTMENT} notches."),
    ]

    # === Compute === #
    @api.depends("partner_id", "company_id")
    @api.depends_context("company")
    def _compute_current_terms(self):
        for company, ratings in self.grouped("company_id").items():
            partners = ratings.partner_id.with_company(company).sudo()
            partners.fetch(["credit_limit", "property_payment_term_id"])
            for rating in ratings:
                partner = rating.partner_id.with_company(company).sudo()
                rating.current_limit = partner.credit_limit
                rating.current_term_id = partner.property_payment_term_id.sudo(False)
        (self - self.filtered("company_id")).update({"current_limit": 0.0, "current_term_id": False})

    # === Constraints === #
    @api.constrains("adjustment", "adjustment_reason")
    def _check_adjustment_reason(self):
        if any(rating.adjustment and not rating.adjustment_reason for rating in self):
            raise ValidationError(self.env._("Say why the grade is adjusted by hand."))

    # === CRUD === #
    def write(self, vals):
        res = super().write(vals)
        if "adjustment" in vals:
            self._apply_grades()
        return res

    # === Actions === #
    def action_rate_now(self):
        self.env["account.move"]._collection_check_team()
        for company, ratings in self.grouped("company_id").items():
            self._rate_company(company, ratings.partner_id.ids)
        return True

    def action_propose(self):
        """Propose this month's change of terms now (once a month per customer)."""
        self.env["account.move"]._collection_check_team()
        for company, ratings in self.grouped("company_id").items():
            ratings._propose(company)
        return True

    def action_regrade_all(self):
        """The monthly regrading, now, for the user's companies: every customer rated again, and the changes of
        terms its grade calls for proposed (once a month per customer)."""
        if not self.env.user.has_group("account_collection_litigation.group_collection_manager"):
            raise AccessError(self.env._("Only a collection manager regrades every customer."))
        count = 0
        for company in self.env.companies:
            ratings = self._rate_company(company)
            ratings._propose(company)
            count += len(ratings)
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {
                "type": "success", "title": self.env._("Credit regrading done"),
                "message": self.env._("%(count)s customers rated again.", count=count),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # === Cron === #
    @api.model
    def _cron_regrade(self):
        """Monthly: rate every customer of every company, then propose the changes of terms the grades call for."""
        companies = self.env["res.company"].sudo().search([], limit=None)   # a handful
        self.env["collection.batch.runner"]._run(
            companies, self._regrade_companies, "account_collection_litigation.ir_cron_collection_regrade")
        self.env["ir.cron"]._notify_progress(done=len(companies), remaining=0)

    # === Business === #
    @api.model
    def _regrade_companies(self, companies):
        for company in companies:
            self._rate_company(company)._propose(company)

    @api.model
    def _behaviour(self, company, today, partner_ids=None):
        """{partner id: figures} of the last 12 months, from grouped queries over the ledger and the pauses."""
        ledger = self.env["collection.ledger"]
        year_ago = today - timedelta(days=365)
        paid = ledger._paid_items(company, year_ago, today, group_by="partner")
        aging = {row["partner_id"]: row for row in ledger._aging_as_of(company, today, partner_ids)}
        self.env.cr.execute(SQL(
            """
            SELECT m.commercial_partner_id, SUM(m.amount_total_signed)
              FROM account_move m
             WHERE m.company_id = %(company)s AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.invoice_date > %(year_ago)s AND m.invoice_date <= %(today)s %(partners)s
             GROUP BY 1
            """,
            company=company.id, year_ago=year_ago, today=today,
            partners=SQL("AND m.commercial_partner_id IN %s", tuple(partner_ids)) if partner_ids else SQL(),
        ))
        sales = dict(self.env.cr.fetchall())
        self.env.cr.execute(SQL(
            """
            SELECT partner_id,
                   count(*) FILTER (WHERE reason = 'promise' AND state = 'broken' AND ended_on > %(year_ago)s),
                   count(*) FILTER (WHERE reason = 'dispute' AND date_from > %(year_ago)s)
              FROM collection_pause
             WHERE company_id = %(company)s %(partners)s
             GROUP BY 1
            """,
            year_ago=year_ago, company=company.id,
            partners=SQL("AND partner_id IN %s", tuple(partner_ids)) if partner_ids else SQL(),
        ))
        pauses = {partner: (broken, disputes) for partner, broken, disputes in self.env.cr.fetchall()}
        partners = {*aging, *sales, *pauses, *(key for key in paid if key)} - {None}
        if partner_ids:
            partners &= set(partner_ids)
        result = {}
        for partner in partners:
            row = aging.get(partner) or {}
            overdue = sum(row.get(bucket, 0.0) for bucket in ("b1_30", "b31_60", "b61_90", "b90_plus"))
            open_amount = overdue + row.get("not_due", 0.0)
            broken, disputes = pauses.get(partner, (0, 0))
            result[partner] = {
                "behaviour": kpi.PaymentBehaviour(
                    avg_days_late=(paid.get(partner) or (0, 0, 0, 0))[2] or 0.0,
                    overdue_ratio=kpi.ratio(overdue, open_amount), broken_promises=broken, disputes=disputes,
                ),
                "monthly_sales": max(0.0, sales.get(partner, 0.0)) / 12,
            }
        return result

    @api.model
    def _rate_company(self, company, partner_ids=None):
        """Rate the customers of a company (those with receivables or invoices in the last 12 months), in a few
        grouped reads and two bulk writes; returns their ratings."""
        self.env.flush_all()
        today = self.env["collection.escalation"]._today(company)
        grades = self.env["collection.credit.grade"]._grading_table(company)
        table = [(grade.id, grade.min_score) for grade in grades]
        grade_by_id = {grade.id: grade for grade in grades}
        behaviours = self._behaviour(company, today, partner_ids)
        existing = {rating.partner_id.id: rating for rating in self.sudo().search(
            [("company_id", "=", company.id), ("partner_id", "in", list(behaviours))])}
        blacklisted = set(self.env["res.partner"].sudo().search(
            [("id", "in", list(behaviours)), ("collection_blacklisted", "=", True)]).ids)
        updates, creates = [], []
        for partner_id, figures in behaviours.items():
            rating = existing.get(partner_id)
            adjustment = rating.adjustment if rating else 0
            score = kpi.credit_score(figures["behaviour"])
            values = {
                "score": score, "computed_grade_id": kpi.pick_grade(score, table),
                "avg_days_late": figures["behaviour"].avg_days_late,
                "overdue_ratio": figures["behaviour"].overdue_ratio,
                "broken_promises": figures["behaviour"].broken_promises,
                "disputes": figures["behaviour"].disputes, "monthly_sales": figures["monthly_sales"],
                "rated_on": today,
                **self._recommendation(grade_by_id, table, score, adjustment, partner_id in blacklisted,
                                       figures["monthly_sales"]),
            }
            if rating:
                updates.append({"id": rating.id, **values})
            else:
                creates.append({"partner_id": partner_id, "company_id": company.id, "adjustment": 0, **values})
        writer = self.env["collection.escalation"]
        writer._write_rows(self._name, updates)
        new_ids = writer._write_rows(self._name, creates, create=True)
        return self.browse([row["id"] for row in updates] + new_ids)

    @api.model
    def _recommendation(self, grade_by_id, table, score, adjustment, blacklisted, monthly_sales):
        grade = grade_by_id[table[-1][0] if blacklisted else kpi.pick_grade(score, table, adjustment)]
        return {
            "grade_id": grade.id,
            "recommended_limit": 0.0 if blacklisted else kpi.recommended_limit(
                monthly_sales, grade.limit_months, grade.max_limit),
            "recommended_term_id": grade.payment_term_id.id,
        }

    def _apply_grades(self):
        """The grade and recommendation after a manual adjustment, from the stored score."""
        for company, ratings in self.grouped("company_id").items():
            grades = self.env["collection.credit.grade"]._grading_table(company)
            table = [(grade.id, grade.min_score) for grade in grades]
            grade_by_id = {grade.id: grade for grade in grades}
            for rating in ratings.sudo():
                rating.write(self._recommendation(
                    grade_by_id, table, rating.score, rating.adjustment, rating.partner_id.collection_blacklisted,
                    rating.monthly_sales))

    def _propose(self, company):
        """One proposal per customer and month whose current limit or terms differ from its grade's
        recommendation, with an activity for the collection manager; an open proposal of an earlier month is
        left as it is (not proposed twice)."""
        if not self:
            return self.env["collection.credit.proposal"]
        today = self.env["collection.escalation"]._today(company)
        period = today.strftime("%Y-%m")
        # plain values in one query, the current terms as the partner's company-dependent fields give them: a
        # month's regrading looks at every customer, and reading 20,000 ratings and partners through the ORM cost
        # seconds of the go-live night
        partners = self.env["res.partner"].sudo().with_company(company)
        partners.flush_model(["credit_limit", "property_payment_term_id"])
        proposal_model = self.env["collection.credit.proposal"].sudo()
        proposal_model.flush_model(["rating_id", "period", "state"])
        self.flush_recordset()
        self.env.cr.execute(SQL(
            """
            SELECT r.id, r.partner_id, r.grade_id, %(limit)s, r.recommended_limit, %(term)s, r.recommended_term_id
              FROM collection_credit_rating r
              JOIN res_partner p ON p.id = r.partner_id
             WHERE r.id IN %(ids)s
               AND NOT EXISTS (SELECT 1 FROM collection_credit_proposal x
                                WHERE x.rating_id = r.id AND (x.period = %(period)s OR x.state = 'proposed'))
             ORDER BY r.id
            """,
            limit=partners._field_to_sql("p", "credit_limit"),
            term=partners._field_to_sql("p", "property_payment_term_id"),
            ids=tuple(self.ids), period=period,
        ))
        vals_list = []
        for rating_id, partner_id, grade_id, current_limit, limit, current_term, term in self.env.cr.fetchall():
            limit_changes = company.currency_id.compare_amounts(current_limit or 0.0, limit or 0.0) != 0
            if not (limit_changes or (current_term or False) != (term or False)):
                continue
            vals_list.append({
                "rating_id": rating_id, "partner_id": partner_id, "company_id": company.id,
                "period": period, "grade_id": grade_id, "current_limit": current_limit or 0.0,
                "proposed_limit": limit or 0.0, "current_term_id": current_term or False,
                "proposed_term_id": term or False,
            })
        # One INSERT, no "created" message and no follower per proposal (the reviewer's one activity says it): each
        # through the ORM cost milliseconds of defaults, company checks and caches, seconds for a go-live month.
        # The values are the rating's own, of its company.
        proposals = proposal_model.browse(self.env["collection.escalation"]._write_rows(
            proposal_model._name, [{**vals, "state": "proposed"} for vals in vals_list], create=True))
        proposals._schedule_review()
        return proposals
