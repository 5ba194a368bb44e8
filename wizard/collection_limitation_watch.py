from odoo import api, fields, models

from ..models.collection_case_line import LIMITATION_BASES, LIMITATION_STATUSES

DEFAULT_HORIZON_DAYS = 180


class CollectionLimitationWatch(models.TransientModel):
    """Open invoices of every customer whose limitation ends soon (or has ended), with or without a legal case.

    Filled when opened, for the companies selected: a set-based pre-filter on the due date, then the exact deadline
    of each candidate from its payments and proven limitation events (tools/legal_deadlines.py)."""

    _name = "collection.limitation.watch"
    _description = "Claims Nearing Limitation"
    _order = "deadline, id"

    # === Fields === #
    move_id = fields.Many2one("account.move", check_company=True, string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    invoice_date_due = fields.Date(string="Due Date", readonly=True)
    status = fields.Selection(LIMITATION_STATUSES, readonly=True)
    deadline = fields.Date(string="Limitation Deadline", readonly=True)
    days_left = fields.Integer(readonly=True)
    basis = fields.Selection(LIMITATION_BASES, readonly=True)
    basis_date = fields.Date(readonly=True)
    unproven = fields.Boolean(readonly=True, help="A later event would restart the period but has no proof.")
    unproven_deadline = fields.Date(string="Deadline If Proven", readonly=True)
    in_litigation = fields.Boolean(readonly=True)
    case_id = fields.Many2one("collection.case", check_company=True, string="Legal Case", readonly=True,
                              groups="account_collection_litigation.group_litigation_user")

    # === Actions === #
    @api.model
    def action_open(self, horizon_days=DEFAULT_HORIZON_DAYS):
        rows = self._compute_rows(horizon_days)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Claims Nearing Limitation (%(days)s days)", days=horizon_days),
            "res_model": self._name,
            "view_mode": "list",
            "domain": [("id", "in", rows.ids)],
            "context": {"search_default_filter_open_case": 0},
        }

    # === Business === #
    @api.model
    def _compute_rows(self, horizon_days):
        moves = self.env["account.move"]._collection_limitation_candidates(self.env.companies, horizon_days)
        if not moves:
            return self.browse()
        case_jurisdictions = self.env["collection.case"]._limitation_sql_cases(moves.ids)
        figures = moves.sudo()._collection_limitation(case_jurisdictions)
        lines = self.env["collection.case.line"].sudo().search([("move_id", "in", moves.ids), ("case_open", "=", True)])
        case_of = {line.move_id.id: line.case_id.id for line in lines}
        escalation = self.env["collection.escalation"]
        vals_list = []
        for move in moves:
            today = escalation._today(move.company_id)
            result = figures.get(move.id)
            if not result or result.status != "running" or (result.deadline - today).days > horizon_days:
                continue
            vals_list.append({
                "move_id": move.id, "partner_id": move.commercial_partner_id.id, "company_id": move.company_id.id,
                "currency_id": move.currency_id.id, "amount_residual": move.amount_residual,
                "invoice_date_due": move.invoice_date_due, "status": result.status, "deadline": result.deadline,
                "days_left": (result.deadline - today).days if result.deadline else 0,
                "basis": result.basis,
                "basis_date": result.basis_day, "unproven": bool(result.unproven),
                "unproven_deadline": result.unproven_deadline, "in_litigation": move.id in case_of,
                "case_id": case_of.get(move.id, False),
            })
        # sudo: a collection manager lists the invoices of cases whose link only the legal team reads
        return self.sudo().create(vals_list).sudo(False)
