import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.collection_letter_template import COURT_KINDS, LETTER_KINDS

# Up to this many customers the letters are generated at once; above, in the background with progress.
SYNC_LIMIT = 20


class CollectionLetterWizard(models.TransientModel):
    """Generate letters for customer files or for selected invoices: one per customer and currency."""

    _name = "collection.letter.wizard"
    _description = "Generate Collection Letters"
    _check_company_auto = True

    # === Default methods === #
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        if model == "account.move" and ids:
            moves = self.env["account.move"].browse(ids)._collection_open()
            values["move_ids"] = [(6, 0, moves.ids)]
            values["customer_ids"] = [(6, 0, moves._collection_files().ids)]
        elif model == "collection.customer" and ids:
            values["customer_ids"] = [(6, 0, ids)]
        return values

    # === Fields === #
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    # court documents are drafted from their case (collection.court.document.wizard), not for customers
    kind = fields.Selection([kind for kind in LETTER_KINDS if kind[0] not in COURT_KINDS], required=True,
                            default="reminder_1")
    date = fields.Date(string="Letter Date", required=True,
                       default=lambda self: self.env["collection.escalation"]._today())
    deadline_days = fields.Integer(string="Days to Pay", help="0: the usual delay of the kind of letter.")
    template_id = fields.Many2one("collection.letter.template", domain="[('kind', '=', kind)]",
                                  help="Empty: the template of the kind in each customer's language.")
    customer_ids = fields.Many2many("collection.customer", string="Customers")
    move_ids = fields.Many2many("account.move", string="Invoices",
                                help="Only these invoices; empty: every chased invoice of the customers.")
    plan_count = fields.Integer(string="Instalments", default=0,
                                help="Payment plan and settlement: the balance in this many equal instalments.")
    plan_first_date = fields.Date(string="First Instalment")
    plan_interval = fields.Integer(string="Days Between Instalments", default=30)
    customer_count = fields.Integer(compute="_compute_customer_count")

    @api.depends("customer_ids")
    def _compute_customer_count(self):
        for wizard in self:
            wizard.customer_count = len(wizard.customer_ids)

    # === Actions === #
    def action_generate(self):
        self.ensure_one()
        self.env["collection.letter"].check_access("create")
        if not self.customer_ids:
            raise UserError(self.env._("Choose the customers to write to."))
        if self.template_id.compliance_state == "flagged":
            raise UserError(self.env._("The template %(template)s waits for a collection manager's acceptance.",
                                       template=self.template_id.name))
        options = self._options()
        if len(self.customer_ids) > SYNC_LIMIT and not self.move_ids and not self.template_id:
            return self._queue_batch(options)
        engine = self.env["collection.letter.engine"]
        letters = engine._generate(self.customer_ids, self.kind, day=self.date,
                                   moves=self.move_ids if self.move_ids else None,
                                   template=self.template_id or None, options=options)
        if not letters:
            raise UserError(self.env._("None of these customers has an invoice to write about."))
        action = self.env["ir.actions.act_window"]._for_xml_id("account_collection_litigation.collection_letter_action")
        action["domain"] = [("id", "in", letters.ids)]
        action["context"] = {}
        if len(letters) == 1:
            action.update(view_mode="form", res_id=letters.id, views=[(False, "form")])
        return action

    # === Business === #
    def _options(self):
        self.ensure_one()
        options = {"deadline_days": self.deadline_days, "instalments": []}
        if self.kind in ("payment_plan", "settlement") and self.plan_count > 0:
            if len(self.customer_ids) != 1:
                raise UserError(self.env._("A payment plan is agreed with one customer at a time."))
            options["instalments"] = self._instalments()
        return options

    def _instalments(self):
        """Equal instalments of the customer's balance (the last one takes the rounding), or none."""
        groups = self.env["collection.letter.engine"]._group_invoices(
            self.customer_ids, self.kind, self.date, self.move_ids if self.move_ids else None)
        if len(groups) != 1:
            raise UserError(self.env._("A payment plan covers invoices in one currency."))
        ((_file, currency), invoices), = groups.items()
        figures = invoices._collection_interest(self.date, raise_errors=False)
        total = sum(invoices.mapped("amount_residual")) + sum(
            (figures.get(move.id) or {}).get("claimable", 0.0) for move in invoices)
        share = currency.round(total / self.plan_count)
        first = self.plan_first_date or self.date + timedelta(days=self.plan_interval or 30)
        days = [first + timedelta(days=(self.plan_interval or 30) * index) for index in range(self.plan_count)]
        amounts = [share] * (self.plan_count - 1) + [currency.round(total - share * (self.plan_count - 1))]
        return list(zip(days, amounts, strict=True))

    def _queue_batch(self, options):
        batch = self.env["collection.letter.batch"].create({
            "name": self.env._("%(kind)s for %(count)s customers", count=len(self.customer_ids),
                               kind=dict(self._fields["kind"]._description_selection(self.env))[self.kind]),
            "company_id": self.company_id.id, "kind": self.kind, "date": self.date,
            "customer_ids": [(6, 0, self.customer_ids.ids)],
            "options": json.dumps({**options, "instalments": []}),
        })
        self.env.ref("account_collection_litigation.ir_cron_collection_letter_batch")._trigger()
        return {
            "type": "ir.actions.act_window", "res_model": "collection.letter.batch", "res_id": batch.id,
            "view_mode": "form", "views": [(False, "form")], "target": "current",
        }
