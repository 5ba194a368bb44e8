from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import instalments as plan

SETTLEMENT_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("kept", "Kept"),
    ("breached", "Breached"),
    ("cancelled", "Cancelled"),
]
UNITS = [("day", "Days"), ("week", "Weeks"), ("month", "Months")]


class CollectionCaseSettlement(models.Model):
    """A settlement agreement on a case: an amount paid in instalments that add up to it to the smallest unit of
    the currency. Active, it closes the case as settled; the daily run matches the debtor's real payments on the
    claimed invoices to the instalments, and a missed one beyond its grace re-opens the case."""

    _name = "collection.case.settlement"
    _description = "Legal Case Settlement"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    # === Fields === #
    case_id = fields.Many2one("collection.case", check_company=True, required=True, index=True, ondelete="cascade")
    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id", store=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True)
    state = fields.Selection(SETTLEMENT_STATES, required=True, default="draft", tracking=True, copy=False)
    date = fields.Date(string="Agreed On", required=True, tracking=True,
                       default=lambda self: self.env["collection.escalation"]._today())
    amount = fields.Monetary(required=True, tracking=True)
    down_payment = fields.Monetary(tracking=True)
    instalment_count = fields.Integer(string="Number of Instalments", required=True, default=6, tracking=True)
    first_due = fields.Date(string="First Instalment Due", required=True, tracking=True)
    every = fields.Integer(required=True, default=1, tracking=True)
    unit = fields.Selection(UNITS, required=True, default="month", tracking=True)
    grace_days = fields.Integer(default=plan.DEFAULT_GRACE_DAYS, tracking=True,
                                help="Days after its due date before an instalment counts as missed.")
    acceleration = fields.Boolean(default=True,
                                  help="A missed instalment makes the whole remaining amount due at once.")
    penalty = fields.Monetary(tracking=True, help="Due on top when the debtor breaks the agreement.")
    guarantor_id = fields.Many2one("res.partner", check_company=True)
    line_ids = fields.One2many("collection.case.settlement.line", "settlement_id", string="Instalments",
                               copy=False)
    open_at_start = fields.Monetary(readonly=True, copy=False,
                                    help="What the claimed invoices owed when the agreement took effect.")
    amount_paid = fields.Monetary(compute="_compute_paid")
    case_stage_before_id = fields.Many2one("collection.case.stage", readonly=True, copy=False)
    letter_id = fields.Many2one("collection.letter", check_company=True,
                                string="Agreement Letter", readonly=True, copy=False,
                                groups="account_collection_litigation.group_collection_collector")
    agreement_file = fields.Binary(string="Agreement", readonly=True, copy=False, attachment=True)
    agreement_filename = fields.Char(readonly=True, copy=False)
    pause_id = fields.Many2one("collection.pause", check_company=True, readonly=True, copy=False,
                               help="While the agreement runs, its invoices are not chased (the one pause mechanism).")

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A settlement amount is positive."),
        ("count_positive", "CHECK(instalment_count > 0)", "A settlement has at least one instalment."),
        ("grace_positive", "CHECK(grace_days >= 0)", "A grace period cannot be negative."),
    ]

    # === Compute === #
    @api.depends("case_id.name", "date")
    def _compute_name(self):
        for row in self:
            row.name = self.env._("Settlement %(case)s of %(date)s", case=row.case_id.name, date=row.date)

    @api.depends("line_ids.amount_paid")
    def _compute_paid(self):
        for row in self:
            row.amount_paid = sum(row.line_ids.mapped("amount_paid"))

    # === Actions === #
    def action_compute_schedule(self):
        """Split the amount into instalments in whole units of the currency; the last takes the remainder."""
        for row in self:
            if row.state != "draft":
                raise UserError(self.env._("The schedule of %s is agreed already.", row.name))
            try:
                lines = plan.build_schedule(Decimal(str(row.amount)), Decimal(str(row.down_payment or 0)),
                                            row.instalment_count, row.first_due, row.every, row.unit,
                                            rounding=str(row.currency_id.rounding), start=row.date)
            except plan.ScheduleError as error:
                raise UserError(self.env._("The schedule cannot be made: %s", error)) from error
            row.line_ids = [Command.clear()] + [Command.create({
                "sequence": line.sequence, "date_due": line.due, "amount": float(line.amount)}) for line in lines]
        return True

    def action_activate(self):
        """The agreement takes effect: the case closes as settled; the payments are matched from now on."""
        for row in self:
            if not row.line_ids:
                row.action_compute_schedule()
            total = sum(row.line_ids.mapped("amount"))
            if row.currency_id.compare_amounts(total, row.amount):
                raise UserError(self.env._("The instalments add up to %(total)s, not %(amount)s.",
                                           total=row.currency_id.format(total),
                                           amount=row.currency_id.format(row.amount)))
            case = row.case_id
            row.write({"state": "active", "open_at_start": case.amount_outstanding,
                       "case_stage_before_id": case.stage_id.id if not case.is_closed else False})
            if not case.is_closed:
                case._close_as("settled")
            moves = case.line_ids.move_id.filtered(lambda m: not m.currency_id.is_zero(m.amount_residual))
            if moves:
                row.pause_id = self.env["collection.pause"].sudo().create({
                    "partner_id": case.partner_id.id, "company_id": case.company_id.id, "reason": "payment_plan",
                    "move_ids": [Command.set(moves.ids)], "note": row.name,
                })
            case.message_post(body=self.env._("Settlement agreed: %(amount)s in %(count)s instalments.",
                                              amount=row.currency_id.format(row.amount), count=len(row.line_ids)),
                              subtype_xmlid="mail.mt_note")
        return True

    def action_cancel(self):
        if self.filtered(lambda row: row.state != "draft"):
            raise UserError(self.env._("Only a draft settlement can be cancelled; an agreed one is kept or breached."))
        self.write({"state": "cancelled"})
        return True

    def action_draft_agreement(self):
        """Draft the agreement through the letters engine with its settlement template: the claimed invoices
        (paused while the agreement runs, hence the context), the instalments and the case."""
        self.ensure_one()
        file = self.env["collection.customer"]._ensure_files({(self.partner_id.id, self.company_id.id)})
        case = self.case_id
        self.check_access("write")
        # the letters are the collectors' records: the engine drafts it, the settlement keeps the document
        engine = self.env["collection.letter.engine"].sudo().with_company(self.company_id)
        options = {"instalments": [(line.date_due, line.amount) for line in self.line_ids]}
        letters = engine.with_context(collection_letter_include_paused=True)._generate(
            file, "settlement", moves=case.line_ids.move_id, options=options)
        if not letters:
            raise UserError(self.env._("The letters engine found no open invoice of the case to settle."))
        # the agreement names the case: linked, then rendered again with the case's data
        letter = letters[:1].with_context(bin_size=False)
        letter.with_context(collection_letter_regenerate=True).write({"case_id": case.id})
        engine._render_documents(letter, options)
        self.sudo().write({"letter_id": letter.id, "agreement_file": letter.document_file,
                           "agreement_filename": letter.document_filename})
        return True

    # === Business: matching === #
    def _match_payments(self, today):
        """Spread what the debtor paid on the claimed invoices since the agreement over the instalments, oldest
        first; return the settlements with an instalment missed beyond its grace."""
        breached = self.browse()
        for row in self:
            paid = max(0.0, row.open_at_start - row.case_id.amount_outstanding)
            lines = row.line_ids.sorted(lambda line: (line.date_due, line.sequence))
            covered = plan.allocate([Decimal(str(a)) for a in lines.mapped("amount")], Decimal(str(paid)))
            for line, share in zip(lines, covered, strict=True):
                if row.currency_id.compare_amounts(line.amount_paid, float(share)):
                    line.amount_paid = float(share)
            if all(line.currency_id.compare_amounts(line.amount_paid, line.amount) >= 0 for line in lines):
                row.state = "kept"
                row._end_pause()
                continue
            missed = plan.first_missed([(line.date_due, Decimal(str(line.amount)), Decimal(str(line.amount_paid)))
                                        for line in lines], today, row.grace_days)
            if missed is not None:
                breached |= row
        return breached

    def _breach(self):
        """Re-open each case (where it was, or enforcement) and tell its legal user."""
        vals_list = []
        for row in self:
            case = row.case_id
            stage = row.case_stage_before_id or case._stage_of_kind("enforcement")
            row.state = "breached"
            row._end_pause()
            if case.is_closed and stage:
                case.stage_id = stage
            case.message_post(body=self.env._(
                "The debtor missed an instalment of %(settlement)s beyond its grace: the case is open again%(acc)s.",
                settlement=row.name, acc=self.env._(" and the whole rest is due (acceleration)")
                if row.acceleration else ""), subtype_xmlid="mail.mt_note")
            vals_list.append(case._activity_vals(
                "mail.mail_activity_data_todo", self.env["collection.escalation"]._today(row.company_id),
                self.env._("Settlement breached: %s", row.name)))
        self.env["collection.case.alert"]._create_activities(vals_list)

    def _end_pause(self):
        pauses = self.pause_id.sudo().filtered(lambda p: p.state == "active")
        if pauses:
            pauses.action_resume()

    @api.model
    def _cron_check_settlements(self, batch_size=200):
        """Daily: match payments to the active settlements, batch by batch; a breached settlement leaves the active
        ones, so a rerun does nothing twice."""
        escalation = self.env["collection.escalation"]
        for company in self.env["res.company"].sudo().search([], limit=None):   # each on its own day
            self.env["collection.case"].sudo().with_company(company)._schedule_cost_reviews(escalation._today(company))
        active = self.sudo().search([("state", "=", "active")], order="id")
        batch = active[:batch_size]
        for company, settlements in batch.grouped("company_id").items():
            today = escalation._today(company)
            self.env["collection.batch.runner"]._run(
                settlements, lambda group, today=today: group._match_payments(today)._breach(),
                "account_collection_litigation.ir_cron_collection_settlements",
            )
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(active) - len(batch))
        return len(batch)


class CollectionCaseSettlementLine(models.Model):
    _name = "collection.case.settlement.line"
    _description = "Legal Case Settlement Instalment"
    _order = "settlement_id, sequence, id"
    _check_company_auto = True

    settlement_id = fields.Many2one("collection.case.settlement", check_company=True,
                                    required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="settlement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    sequence = fields.Integer(help="0: the down payment.")
    date_due = fields.Date(string="Due", required=True)
    amount = fields.Monetary(required=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    is_paid = fields.Boolean(compute="_compute_is_paid")

    @api.depends("amount", "amount_paid")
    def _compute_is_paid(self):
        for line in self:
            line.is_paid = line.currency_id.compare_amounts(line.amount_paid, line.amount) >= 0
