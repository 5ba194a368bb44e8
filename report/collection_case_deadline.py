from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..tools.legal_deadlines import DEADLINE_KINDS, PARTIES, PARTY_BY_KIND

# The row id is the source row's id × 16 + this code, stable from one read to the next.
KIND_CODES = {kind: code for code, (kind, _label) in enumerate(DEADLINE_KINDS, start=1)}


class CollectionCaseDeadline(models.Model):
    """Every dated deadline of the open cases in one list and calendar: the dates are stored on the records they come
    from (computed there by tools/legal_deadlines.py), this view only gathers them."""

    _name = "collection.case.deadline"
    _description = "Legal Deadline"
    _auto = False
    _order = "date, id"
    # What the view reads: flushed by the ORM before the view is searched.
    _depends = {
        "collection.case": ["active", "is_closed", "company_id", "user_id", "partner_id", "filing_date"],
        "collection.case.line": ["case_id", "move_id", "limitation_deadline", "limitation_status"],
        "collection.case.preservation": ["case_id", "expiry_date", "renew_by", "suit_due", "pre_suit", "state",
                                         "description"],
        "collection.case.hearing": ["case_id", "date", "place", "state"],
        "collection.case.judgment": ["case_id", "appeal_deadline", "performance_due", "enforcement_deadline",
                                     "appealed", "name"],
        "collection.case.enforcement": ["case_id", "next_recheck_date", "state", "name"],
        "collection.case.restriction": ["case_id", "term_end", "state", "kind"],
        "account.move": ["name", "amount_residual"],
    }

    # === Fields === #
    case_id = fields.Many2one("collection.case", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    kind = fields.Selection(DEADLINE_KINDS, readonly=True)
    party = fields.Selection(PARTIES, string="Who Acts", readonly=True)
    date = fields.Date(readonly=True)
    name = fields.Char(string="About", readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(readonly=True)
    is_passed = fields.Boolean(string="Passed", compute="_compute_is_passed", search="_search_is_passed",
                               help="The date is before today on the company's clock.")

    # === Compute methods === #
    @api.depends("date", "company_id")
    def _compute_is_passed(self):
        escalation = self.env["collection.escalation"]
        for deadline in self:
            deadline.is_passed = deadline.date < escalation._today(deadline.company_id)

    def _search_is_passed(self, operator, value):
        return self.env["collection.escalation"]._company_day_search("date", "<", operator, value)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._view_query()))

    def _view_query(self):
        def select(kind, alias, source, date_expr, name_expr, where, model):
            return SQL(
                """
                SELECT %(alias)s.id * 16 + %(code)s AS id, c.id AS case_id, c.company_id, c.user_id, c.partner_id,
                       %(kind)s AS kind, %(party)s AS party, %(date)s AS date, %(name)s AS name,
                       %(model)s AS res_model,
                       %(alias)s.id AS res_id
                  FROM %(source)s %(alias)s JOIN collection_case c ON c.id = %(alias)s.case_id
                 WHERE c.active AND c.is_closed IS NOT TRUE AND %(date)s IS NOT NULL AND %(where)s
                """,
                alias=SQL.identifier(alias), code=KIND_CODES[kind], kind=kind, party=PARTY_BY_KIND[kind],
                date=date_expr, name=name_expr,
                model=model, source=SQL.identifier(source), where=where,
            )

        parts = [
            select("limitation", "l", "collection_case_line", SQL("l.limitation_deadline"),
                   SQL("(SELECT m.name FROM account_move m WHERE m.id = l.move_id)"),
                   SQL("l.limitation_status = 'running' AND EXISTS (SELECT 1 FROM account_move m "
                       "WHERE m.id = l.move_id AND %s)", self.env["account.move"]._collection_open_sql("m")),
                   "collection.case.line"),
            select("preservation_expiry", "p", "collection_case_preservation", SQL("p.expiry_date"),
                   SQL("p.description"), SQL("p.state IN ('requested', 'in_force')"), "collection.case.preservation"),
            select("preservation_renew", "p", "collection_case_preservation", SQL("p.renew_by"),
                   SQL("p.description"), SQL("p.state IN ('requested', 'in_force')"),
                   "collection.case.preservation"),
            select("suit_due", "p", "collection_case_preservation", SQL("p.suit_due"), SQL("p.description"),
                   SQL("p.pre_suit AND c.filing_date IS NULL AND p.state IN ('requested', 'in_force')"),
                   "collection.case.preservation"),
            # A hearing at 07:30 in Shanghai is on that day there, the day before in UTC.
            select("hearing", "h", "collection_case_hearing",
                   self.env["collection.escalation"]._company_date_sql(SQL("c.company_id"), SQL("h.date")),
                   SQL("h.place"), SQL("h.state = 'planned'"), "collection.case.hearing"),
            select("appeal", "j", "collection_case_judgment", SQL("j.appeal_deadline"), SQL("j.name"),
                   SQL("NOT COALESCE(j.appealed, FALSE)"), "collection.case.judgment"),
            select("performance", "j", "collection_case_judgment", SQL("j.performance_due"), SQL("j.name"),
                   SQL("TRUE"), "collection.case.judgment"),
            select("enforcement_apply", "j", "collection_case_judgment", SQL("j.enforcement_deadline"),
                   SQL("j.name"), SQL(
                       "NOT EXISTS (SELECT 1 FROM collection_case_enforcement e WHERE e.case_id = c.id)"),
                   "collection.case.judgment"),
            select("asset_recheck", "e", "collection_case_enforcement", SQL("e.next_recheck_date"), SQL("e.name"),
                   SQL("e.state = 'terminated'"), "collection.case.enforcement"),
            select("list_term_end", "r", "collection_case_restriction", SQL("r.term_end"), SQL("r.decision_number"),
                   SQL("r.state = 'in_force'"), "collection.case.restriction"),
        ]
        return SQL(" UNION ALL ").join(parts)

    # === Actions === #
    def action_open_source(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": self.res_model, "res_id": self.res_id,
                "view_mode": "form"}

    def action_open_case(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "collection.case", "res_id": self.case_id.id,
                "view_mode": "form"}
