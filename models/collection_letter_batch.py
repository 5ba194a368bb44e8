import json

from odoo import api, fields, models

from .collection_letter_template import LETTER_KINDS

BATCH_STATES = [
    ("queued", "Queued"),
    ("running", "Generating"),
    ("done", "Done"),
]


class CollectionLetterBatch(models.Model):
    """Letters for many customers generated in the background by the scheduled action, with progress; the
    letters are then reviewed, downloaded as one ZIP and the approved ones sent."""

    _name = "collection.letter.batch"
    _description = "Collection Letter Batch"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    # === Fields === #
    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users", string="Requested By", readonly=True, default=lambda self: self.env.user)
    kind = fields.Selection(LETTER_KINDS, required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    customer_ids = fields.Many2many("collection.customer", string="Customers", readonly=True, check_company=True)
    options = fields.Text(readonly=True, help="Deadline, lawyer and payment plan of the wizard, as JSON.")
    letter_ids = fields.One2many("collection.letter", "batch_id", readonly=True)
    state = fields.Selection(BATCH_STATES, required=True, readonly=True, default="queued", tracking=True)
    customer_count = fields.Integer(compute="_compute_counts")
    letter_count = fields.Integer(compute="_compute_counts")

    # === Compute === #
    @api.depends("customer_ids", "letter_ids")
    def _compute_counts(self):
        for batch in self:
            batch.customer_count = len(batch.customer_ids)
            batch.letter_count = len(batch.letter_ids)

    # === Actions === #
    def action_open_letters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_collection_litigation.collection_letter_action")
        action["domain"] = [("batch_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_download_zip(self):
        return self.letter_ids.filtered(lambda letter: letter.state != "cancelled").action_download_zip()

    def action_send_approved(self):
        return self.letter_ids.action_send_approved()

    # === Business === #
    def _options(self):
        self.ensure_one()
        options = json.loads(self.options or "{}")
        options["instalments"] = [(fields.Date.to_date(day), amount) for day, amount in options.get("instalments", [])]
        return options

    def _files_to_do(self):
        """The customers of the batch that have no letter of its kind on its day yet (cancelled ones aside)."""
        self.ensure_one()
        done = self.env["collection.letter.engine"]._letters_done_sql(self.customer_ids.ids, self.kind, self.date)
        return self.customer_ids.filtered(lambda file: file.id not in done)

    def _done(self):
        self.state = "done"
        for batch in self:
            batch.message_post(
                body=self.env._("%(count)s letters are ready for review.", count=len(batch.letter_ids)),
                partner_ids=batch.user_id.partner_id.ids,
            )
