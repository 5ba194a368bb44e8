from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

PROPOSAL_STATES = [
    ("proposed", "Proposed"),
    ("applied", "Applied"),
    ("rejected", "Rejected"),
]


class CollectionCreditProposal(models.Model):
    """A change of a customer's credit limit and payment terms that its grade calls for, proposed by the monthly
    regrading and applied (or rejected) by a collection manager: terms never change by themselves."""

    _name = "collection.credit.proposal"
    _description = "Credit Terms Proposal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    # === Fields === #
    rating_id = fields.Many2one("collection.credit.rating", required=True, readonly=True, index=True,
                                ondelete="cascade", check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period = fields.Char(string="Month", required=True, readonly=True, help="Year and month of the regrading.")
    grade_id = fields.Many2one("collection.credit.grade", check_company=True, readonly=True)
    current_limit = fields.Float(string="Current Credit Limit", readonly=True)
    proposed_limit = fields.Monetary(string="Proposed Credit Limit")
    current_term_id = fields.Many2one("account.payment.term", string="Current Terms", readonly=True)
    proposed_term_id = fields.Many2one("account.payment.term", string="Proposed Terms", check_company=True)
    state = fields.Selection(PROPOSAL_STATES, required=True, default="proposed", readonly=True, tracking=True)
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_on = fields.Date(readonly=True)

    _sql_constraints = [
        ("partner_period_unique", "UNIQUE(partner_id, company_id, period)",
         "A customer gets one credit terms proposal per month."),
        ("limit_positive", "CHECK(proposed_limit >= 0)", "A credit limit cannot be negative."),
    ]

    # === Actions === #
    def action_apply(self):
        """Give the customers the proposed credit limit and payment terms."""
        self._check_manager()
        proposed = self._check_proposed()
        for proposal in proposed:
            partner = proposal.partner_id.with_company(proposal.company_id).sudo()
            partner.write({"credit_limit": proposal.proposed_limit,
                           "property_payment_term_id": proposal.proposed_term_id.id})
        proposed._decide("applied")
        return True

    def action_reject(self):
        self._check_manager()
        self._check_proposed()._decide("rejected")
        return True

    # === Business === #
    def _check_manager(self):
        if not self.env.user.has_group("account_collection_litigation.group_collection_manager"):
            raise AccessError(self.env._("Only a collection manager changes credit limits and payment terms."))

    def _check_proposed(self):
        proposed = self.filtered(lambda p: p.state == "proposed")
        if not proposed:
            raise UserError(self.env._("These proposals were decided already."))
        return proposed

    def _decide(self, state):
        for company, proposals in self.grouped("company_id").items():
            proposals.write({"state": state, "decided_by_id": self.env.user.id,
                             "decided_on": self.env["collection.escalation"]._today(company)})
        self._pass_on_review(dict(PROPOSAL_STATES)[state])

    def _pass_on_review(self, feedback):
        """A batch's review activity sits on one of its proposals: it moves to a proposal of the reviewer still
        to decide, and is done with the last of them."""
        activities = self.sudo().activity_ids
        if not activities:
            return
        waiting = self.sudo().search([("state", "=", "proposed"), ("company_id", "in", self.company_id.ids)],
                                     order="id")
        heirs = {company: proposals[:1] for company, proposals in waiting.grouped("company_id").items()}
        done = activities.browse()
        for activity in activities:
            heir = heirs.get(self.browse(activity.res_id).company_id)
            if heir:
                activity.write({"res_id": heir.id})
            else:
                done |= activity
        self.invalidate_model(["activity_ids"])   # moved activities: the one2many of the proposals is stale
        done.action_feedback(feedback=feedback)

    def _schedule_review(self):
        """One review activity per reviewer for these proposals (a month's regrading may propose thousands), on
        the first of them; a reviewer who already has one open for proposals still to decide gets none more."""
        if not self:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        todo = self.env.ref("mail.mail_activity_data_todo")
        # the ids by company in one query: thousands of proposals are not read one by one
        self.flush_recordset(["company_id"])
        self.env.cr.execute(SQL(
            "SELECT company_id, array_agg(id ORDER BY id) FROM collection_credit_proposal WHERE id IN %s GROUP BY 1",
            tuple(self.ids),
        ))
        ids_by_reviewer = defaultdict(list)
        for company_id, ids in self.env.cr.fetchall():
            ids_by_reviewer[self._reviewer(self.env["res.company"].browse(company_id))].extend(ids)
        by_reviewer = {reviewer: self.browse(sorted(ids)) for reviewer, ids in ids_by_reviewer.items()}
        open_for = set(self.env["mail.activity"].sudo().search([
            ("res_model", "=", self._name), ("activity_type_id", "=", todo.id), ("automated", "=", True),
            ("user_id", "in", [user.id for user in by_reviewer]),
        ]).user_id.ids)
        vals_list = [{
            "res_model_id": model_id, "res_id": proposals[0].id, "activity_type_id": todo.id,
            "user_id": reviewer.id, "automated": True,
            "summary": self.env._("Review %(count)s credit terms proposals of %(period)s",
                                  count=len(proposals), period=proposals[0].period),
        } for reviewer, proposals in by_reviewer.items() if reviewer.id not in open_for]
        self.env["collection.history"]._create_activities_batch(vals_list)

    @api.model
    def _reviewer(self, company):
        """Who decides credit terms in a company: its default policy's supervisor, else a collection manager."""
        supervisor = company.sudo().collection_policy_id.supervisor_id
        if supervisor and supervisor.has_group("account_collection_litigation.group_collection_manager"):
            return supervisor
        managers = self.env.ref("account_collection_litigation.group_collection_manager").sudo().users.filtered(
            lambda user: company in user.company_ids and not user.share)
        return managers.sorted("id")[:1] or self.env.ref("base.user_admin")
