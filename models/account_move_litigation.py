from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import legal_deadlines as legal

LEGAL_USER = "account_collection_litigation.group_litigation_user"
# The limitation events of the letters engine (delivered letters, signed acknowledgements), in the kinds of
# tools/legal_deadlines.py: they are recorded only with their proof.
LETTER_EVENT_KINDS = {"demand_delivered": "demand", "acknowledgement": "acknowledgment"}


class AccountMove(models.Model):
    """Invoices claimed in legal cases: locked while a case is open, and their limitation."""

    _inherit = "account.move"

    # === Fields === #
    collection_case_line_ids = fields.One2many("collection.case.line", "move_id", groups=LEGAL_USER)
    collection_interruption_ids = fields.Many2many(
        "collection.case.interruption", "collection_case_interruption_move_rel", "move_id", "interruption_id",
        string="Limitation Events", copy=False, groups=LEGAL_USER,
    )
    collection_limitation_event_ids = fields.Many2many(
        "collection.limitation.event", "collection_limitation_event_move_rel", "move_id", "event_id",
        string="Limitation Interruptions", readonly=True, copy=False,
        groups=f"{LEGAL_USER},account_collection_litigation.group_collection_collector",
    )
    collection_case_id = fields.Many2one("collection.case", string="Legal Case", compute="_compute_collection_case",
                                         groups=LEGAL_USER)
    collection_in_litigation = fields.Boolean(
        string="In Litigation", compute="_compute_collection_case", search="_search_collection_in_litigation",
        help="Claimed in an open legal case: it cannot be reset to draft or cancelled.",
    )

    # === Compute === #
    @api.depends("collection_case_line_ids.case_open")
    def _compute_collection_case(self):
        """Read as superuser: everyone sees that an invoice is in litigation, only the legal team sees the case."""
        lines = self.env["collection.case.line"].sudo().search(
            [("move_id", "in", self.ids), ("case_open", "=", True)])
        case_of = {line.move_id.id: line.case_id.id for line in lines}
        for move in self:
            move.collection_in_litigation = move.id in case_of
            move.collection_case_id = case_of.get(move.id, False)

    def _search_collection_in_litigation(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on litigation: %s", operator))
        lines = self.env["collection.case.line"].sudo()._search([("case_open", "=", True)])
        in_case = [("id", "in", lines.subselect("move_id"))]
        return in_case if (operator == "=") == value else ["!", *in_case]

    # === CRUD === #
    def button_draft(self):
        self._collection_check_not_in_litigation(self.env._("reset to draft"))
        return super().button_draft()

    def button_cancel(self):
        self._collection_check_not_in_litigation(self.env._("cancelled"))
        return super().button_cancel()

    # === Actions === #
    def action_collection_open_case(self):
        """Open the case wizard on these invoices (the mass action of the invoice list)."""
        partners = self.commercial_partner_id
        if len(partners) != 1:
            raise UserError(self.env._("Select the invoices of one customer to open a legal case."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.collection_case_open_wizard_action")
        action["context"] = {"default_partner_id": partners.id, "default_company_id": self.company_id[:1].id,
                             "default_move_ids": self._collection_open().ids}
        return action

    def action_collection_view_case(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "collection.case", "res_id": self.collection_case_id.id,
                "view_mode": "form"}

    # === Business === #
    def _collection_check_not_in_litigation(self, what):
        lines = self.env["collection.case.line"].sudo().search(
            [("move_id", "in", self.ids), ("case_open", "=", True)])
        if lines:
            raise UserError(self.env._(
                "%(invoices)s cannot be %(what)s: claimed in the open legal case %(cases)s. The legal team must "
                "take it out of the case, or close the case, first.",
                invoices=", ".join(lines.move_id.mapped("name")), what=what,
                cases=", ".join(lines.case_id.mapped("name")),
            ))

    def _collection_payment_movements(self):
        """{move id: [(day, amount)]}: payments (not credit notes) applied to each invoice, in its currency."""
        if not self:
            return {}
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        self.env["account.move"].flush_model(["origin_payment_id", "statement_line_id"])
        self.env.cr.execute(SQL(
            """
            SELECT inv.move_id, p.max_date, p.debit_amount_currency
              FROM account_partial_reconcile p
              JOIN account_move_line inv ON inv.id = p.debit_move_id
              JOIN account_move_line pay ON pay.id = p.credit_move_id
              JOIN account_move pm ON pm.id = pay.move_id
             WHERE inv.move_id IN %s AND inv.display_type = 'payment_term'
               AND (pm.origin_payment_id IS NOT NULL OR pm.statement_line_id IS NOT NULL)
             ORDER BY p.max_date
            """,
            tuple(self.ids),
        ))
        movements = defaultdict(list)
        for move_id, day, amount in self.env.cr.fetchall():
            movements[move_id].append((day, amount))
        return movements

    def _collection_limitation(self, jurisdictions=None):
        """{move id: legal_deadlines.Limitation} of customer invoices, from their due date, the payments made on
        them (part payments restart the period), the letters delivered with proof and the acknowledgements signed
        (the letters engine's limitation events), and the limitation events of legal cases that cover them.

        `jurisdictions` gives a preset per move (a case's); otherwise the company's. Set-based: one query for the
        payments, one per kind of event, one for the holidays, whatever the number of invoices."""
        moves = self.filtered("invoice_date_due")
        if not moves:
            return {}
        jurisdictions = jurisdictions or {}
        payments = moves._collection_payment_movements()
        events = defaultdict(list)
        obstacles = defaultdict(list)
        for event in self.env["collection.case.interruption"].sudo().search([("move_ids", "in", moves.ids)]):
            for move_id in set(event.move_ids.ids) & set(moves.ids):
                if event.kind == "obstacle":
                    if event.proven:
                        obstacles[move_id].append((event.date, event.ends_on or None))
                else:
                    events[move_id].append(event._tool_event())
        for event in self.env["collection.limitation.event"].sudo().search([("move_ids", "in", moves.ids)]):
            for move_id in set(event.move_ids.ids) & set(moves.ids):
                events[move_id].append(legal.Event(LETTER_EVENT_KINDS[event.event_type], event.date))
        off_days = self.env["collection.case"]._off_days(moves.company_id)
        result = {}
        for move in moves:
            rules = legal.preset(jurisdictions.get(move.id) or move.company_id.collection_jurisdiction or "prc")
            move_events = events[move.id] + [legal.Event("part_payment", day) for day, _amount in payments[move.id]]
            result[move.id] = legal.limitation(rules, move.invoice_date_due, move_events, obstacles[move.id],
                                               off_days[move.company_id.id])
        return result

    @api.model
    def _collection_limitation_candidates(self, companies, horizon_days, today=None, in_litigation=None):
        """Open invoices (of `companies`, or of all when None) whose limitation may end within `horizon_days`: a
        set-based pre-filter on the due date, every event only moving a deadline later. The caller computes the
        exact deadline of these only."""
        today = today or fields.Date.context_today(self)
        # A case may use any preset: the shortest period of all of them bounds the search.
        latest_due = legal.earliest_possible_due(legal.PRESETS.values(), today, horizon_days)
        if latest_due is None:
            return self.browse()
        domain = [*self._collection_open_domain_litigation(), ("invoice_date_due", "<=", latest_due)]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        if in_litigation is not None:
            domain.append(("collection_in_litigation", "=", in_litigation))
        return self.search(domain)

    @api.model
    def _collection_open_domain_litigation(self):
        return [("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("amount_residual", ">", 0)]
