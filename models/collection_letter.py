import base64

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from ..tools.docx_render import zip_files
from .collection_letter_template import ACKNOWLEDGEMENT_KINDS, COURT_KINDS, LETTER_KINDS, lang_selection

LETTER_STATES = [
    ("draft", "To review"),
    ("approved", "Approved"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
]
LETTER_CHANNELS = [
    ("email", "Email"),
    ("registered_mail", "Registered mail"),
    ("courier", "Courier"),
    ("hand", "Hand delivery"),
]
REPLY_CHANNELS = [
    ("email", "Email"),
    ("mail", "Mail"),
    ("phone", "Phone"),
    ("visit", "Visit or meeting"),
    ("other", "Other"),
]
RENDER_STATES = [
    ("queued", "Queued for rendering"),
    ("rendered", "Rendered"),
    ("failed", "Rendering failed"),
]
LETTER_TRIGGERS = [
    ("manual", "By hand"),
    ("batch", "Batch"),
    ("calendar", "Collection calendar"),
]
# Letters sent at once up to which each gets its PDF (LibreOffice takes seconds per letter).
PDF_ON_SEND_LIMIT = 20
# What may still change once a letter has left the review queue: its delivery and the customer's reply.
DELIVERY_FIELDS = {
    "state", "channel", "tracking_number", "sent_date", "delivery_date", "proof_file", "proof_filename",
    "returned_reason", "reply_date", "reply_channel", "reply_file", "reply_filename", "reply_note",
    "pdf_file", "pdf_filename", "pdf_note", "dedup_key", "approved_by_id", "message_main_attachment_id",
}


class CollectionLetter(models.Model):
    """A letter or agreement generated for one customer and currency: what it said, to whom, and what became of
    it. Delivered with proof, it is a limitation interruption for every invoice it lists."""

    _name = "collection.letter"
    _description = "Collection Letter"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # === Fields === #
    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    customer_id = fields.Many2one("collection.customer", string="Customer File", required=True, readonly=True,
                                  index=True, ondelete="cascade", check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    recipient_id = fields.Many2one("res.partner", string="Addressed To", readonly=True)
    recipient_address = fields.Text(readonly=True)
    recipient_email = fields.Char(readonly=True)
    # the letter keeps its document: removing the template it came from takes nothing away from it
    template_id = fields.Many2one("collection.letter.template", readonly=True, ondelete="set null",
                                  check_company=True)
    kind = fields.Selection(LETTER_KINDS, required=True, readonly=True, index=True)
    case_id = fields.Many2one("collection.case", string="Legal Case", readonly=True, index="btree_not_null",
                              ondelete="set null", check_company=True,
                              help="The case a court document was drafted from: readable by the legal team only.")
    is_court_document = fields.Boolean(compute="_compute_is_court_document")
    lang = fields.Selection(selection=lang_selection, string="Language", readonly=True)
    date = fields.Date(required=True, readonly=True, index=True,
                       default=lambda self: self.env["collection.escalation"]._today())
    deadline = fields.Date(string="Payment Deadline", readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    line_ids = fields.One2many("collection.letter.line", "letter_id", string="Invoices", readonly=True)
    move_ids = fields.Many2many("account.move", compute="_compute_move_ids", string="Invoices Listed")
    amount_open = fields.Monetary(string="Open Amount", readonly=True)
    amount_interest = fields.Monetary(string="Interest", readonly=True)
    amount_compensation = fields.Monetary(string="Compensation", readonly=True)
    amount_total = fields.Monetary(string="Total Claimed", readonly=True)
    amount_words = fields.Char(string="In Words", readonly=True)
    document_file = fields.Binary(string="Letter (.docx)", attachment=True, readonly=True, copy=False)
    document_filename = fields.Char(readonly=True, copy=False)
    pdf_file = fields.Binary(string="Letter (PDF)", attachment=True, readonly=True, copy=False)
    pdf_filename = fields.Char(readonly=True, copy=False)
    pdf_note = fields.Char(string="PDF", readonly=True, copy=False)
    can_make_pdf = fields.Boolean(compute="_compute_can_make_pdf",
                                  help="LibreOffice is installed on the server: the letter can be turned into a PDF.")
    generated_by_id = fields.Many2one("res.users", readonly=True,
                                      default=lambda self: self.env.user)
    trigger = fields.Selection(LETTER_TRIGGERS, readonly=True, default="manual")
    batch_id = fields.Many2one("collection.letter.batch", check_company=True,
                               readonly=True, index="btree_not_null", ondelete="set null")
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    dedup_key = fields.Char(readonly=True, copy=False,
                            help="Customer, company, kind, day and currency: generating twice gives one letter.")
    # the figures are frozen when the letter is queued; its .docx is written from them when first needed
    render_state = fields.Selection(RENDER_STATES, string="Document", required=True, readonly=True, copy=False,
                                    default="rendered", index=True,
                                    help="Queued: the figures are set, the Word file is written by the render job "
                                         "or as soon as someone opens, approves, sends or downloads the letter.")
    render_error = fields.Char(string="Rendering Error", readonly=True, copy=False)
    render_options = fields.Text(readonly=True, copy=False,
                                 help="The deadline, lawyer and payment plan the letter was asked with, as JSON.")

    # === Delivery === #
    state = fields.Selection(LETTER_STATES, required=True, default="draft", tracking=True, index=True)
    channel = fields.Selection(LETTER_CHANNELS, tracking=True)
    tracking_number = fields.Char(tracking=True)
    sent_date = fields.Date(tracking=True)
    delivery_date = fields.Date(tracking=True, help="The day the letter arrived: the limitation period restarts "
                                                    "from it.")
    proof_file = fields.Binary(string="Proof of Delivery", attachment=True, copy=False,
                               help="Signed receipt slip, postal or courier delivery record, email receipt.")
    proof_filename = fields.Char(copy=False)
    returned_reason = fields.Char(tracking=True)
    # === The customer's reply === #
    reply_date = fields.Date(tracking=True)
    reply_channel = fields.Selection(REPLY_CHANNELS, tracking=True)
    reply_file = fields.Binary(string="Reply", attachment=True, copy=False)
    reply_filename = fields.Char(copy=False)
    reply_note = fields.Text()
    # === Limitation === #
    limitation_event_ids = fields.One2many("collection.limitation.event", "letter_id", readonly=True)
    interrupts_limitation = fields.Boolean(compute="_compute_limitation")
    limitation_note = fields.Char(compute="_compute_limitation")

    _sql_constraints = [
        ("dedup_key_unique", "UNIQUE(dedup_key)",
         "This customer already has a letter of this kind for this day and currency."),
    ]

    # === Compute === #
    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for letter in self:
            letter.move_ids = letter.line_ids.move_id

    def _compute_can_make_pdf(self):
        self.can_make_pdf = bool(self.env["collection.letter.engine"]._soffice())

    @api.depends("kind")
    def _compute_is_court_document(self):
        for letter in self:
            letter.is_court_document = letter.kind in COURT_KINDS

    @api.depends("state", "delivery_date", "proof_file", "limitation_event_ids", "kind")
    def _compute_limitation(self):
        for letter in self:
            letter.interrupts_limitation = bool(letter.limitation_event_ids)
            if letter.kind in COURT_KINDS:
                letter.limitation_note = self.env._(
                    "A court document is not a demand to the debtor: delivering it interrupts no limitation period "
                    "(filing the case does).")
            elif letter.limitation_event_ids:
                letter.limitation_note = self.env._(
                    "Delivered on %(date)s with proof: the limitation period of the invoices listed restarts "
                    "from that day.", date=letter.delivery_date)
            elif letter.state in ("sent", "delivered"):
                letter.limitation_note = self.env._(
                    "No proof of delivery: this letter interrupts no limitation period until a proof is attached.")
            elif letter.state == "returned":
                letter.limitation_note = self.env._("Returned undelivered: this letter interrupts nothing.")
            else:
                letter.limitation_note = False

    # === Constraints === #
    @api.constrains("delivery_date", "sent_date", "date")
    def _check_dates(self):
        for letter in self:
            if letter.delivery_date and letter.delivery_date < letter.date:
                raise ValidationError(self.env._("%(letter)s cannot arrive before it was written.",
                                                 letter=letter.name))
            if letter.sent_date and letter.sent_date < letter.date:
                raise ValidationError(self.env._("%(letter)s cannot be sent before it was written.",
                                                 letter=letter.name))

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(unnamed, self._next_names(len(unnamed)), strict=True):
            vals["name"] = name
        return super().create(vals_list)

    @api.model
    def _next_names(self, count):
        """`count` references of the letters' sequence, drawn in one query (a calendar queues thousands of
        letters at once); a sequence without gaps or by date range is drawn one by one as Odoo does."""
        if not count:
            return []
        sequences = self.env["ir.sequence"]
        sequence = sequences.search([("code", "=", "collection.letter"),
                                     ("company_id", "in", [self.env.company.id, False])], order="company_id", limit=1)
        if not sequence or sequence.implementation != "standard" or sequence.use_date_range:
            return [sequences.next_by_code("collection.letter") or "/" for _index in range(count)]
        self.env.cr.execute(SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"ir_sequence_{sequence.id:03d}",
                                count))
        return [sequence.get_next_char(number) for (number,) in self.env.cr.fetchall()]

    def write(self, vals):
        frozen = set(vals) - DELIVERY_FIELDS
        if frozen and not self.env.context.get("collection_letter_regenerate") and any(
                letter.state != "draft" for letter in self):
            raise UserError(self.env._("A letter that left the review queue is evidence: only its delivery and the "
                                       "customer's reply can change."))
        result = super().write(vals)
        if "proof_file" in vals or "delivery_date" in vals:
            self.filtered(lambda letter: letter.state == "delivered")._record_interruption()
        if "reply_date" in vals or "reply_file" in vals:
            self._record_reply()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(letter.state not in ("draft", "cancelled") for letter in self):
            raise UserError(self.env._("Only letters still to review can be deleted; cancel the others."))

    def web_read(self, specification):
        # opening a queued letter writes its document first (not on a read-only replica: the button does it)
        if "document_file" in specification and not self.env.cr.readonly:
            self._ensure_rendered()
        return super().web_read(specification)

    # === Actions === #
    def action_render(self):
        """Write the Word file of queued letters now, instead of waiting for the render job."""
        self.filtered(lambda letter: letter.state != "cancelled")._ensure_rendered()
        return True

    def action_approve(self):
        self._check_state({"draft"}, self.env._("Only letters to review can be approved."))
        # four eyes, as for every approval: whoever drafted a letter does not approve it (the night's are OdooBot's)
        if not self.env.su and (own := self.filtered(lambda letter: letter.generated_by_id == self.env.user)):
            raise UserError(self.env._(
                "%(letters)s was drafted by %(user)s: a second person reviews and approves it.",
                letters=", ".join(own.mapped("display_name")), user=self.env.user.name))
        self._ensure_rendered()
        self.write({"state": "approved", "approved_by_id": self.env.user.id})
        return True

    def action_send_email(self):
        """Send by email with the letter attached (and its PDF when LibreOffice is installed)."""
        self._check_state({"draft", "approved"}, self.env._("This letter was sent already."))
        missing = self.filtered(lambda letter: not letter.recipient_email)
        if missing:
            raise UserError(self.env._("%(customers)s have no email address: post the letter instead.",
                                       customers=", ".join(missing.partner_id.mapped("display_name"))))
        self._send_email()
        return True

    def action_send_approved(self):
        """From the review queue: send the approved letters by email (those with an email address)."""
        approved = self.filtered(lambda letter: letter.state == "approved" and letter.recipient_email)
        if not approved:
            raise UserError(self.env._("Select approved letters whose customer has an email address."))
        approved._send_email()
        return self._notify(self.env._("%(count)s letters sent by email.", count=len(approved)))

    def action_mark_sent(self):
        """Posted, sent by courier or handed over: the collector says how, and when."""
        self._check_state({"draft", "approved"}, self.env._("This letter was sent already."))
        for letter in self:
            if not letter.channel or letter.channel == "email":
                raise UserError(self.env._("Choose how %(letter)s was sent: registered mail, courier or by hand.",
                                           letter=letter.name))
        self._ensure_rendered()     # the letter that left is the one kept as evidence
        escalation = self.env["collection.escalation"]
        for letter in self:
            letter.write({"state": "sent", "sent_date": letter.sent_date or escalation._today(letter.company_id)})
        self._log_event("sent")
        return True

    def action_mark_delivered(self):
        self._check_state({"sent", "returned"}, self.env._("Only a sent letter can be marked delivered."))
        for letter in self:
            if not letter.delivery_date:
                raise UserError(self.env._("Enter the day %(letter)s arrived first.", letter=letter.name))
        self.write({"state": "delivered"})
        self._record_interruption()
        self._log_event("delivered")
        return True

    def action_mark_returned(self):
        self._check_state({"sent"}, self.env._("Only a sent letter can come back undelivered."))
        self.write({"state": "returned"})
        self._log_event("returned")
        return True

    def action_cancel(self):
        self._check_state({"draft", "approved"}, self.env._("A sent letter cannot be cancelled."))
        # a cancelled letter frees its key: the same letter can be generated again the same day
        self.write({"state": "cancelled", "dedup_key": False})
        return True

    def action_regenerate(self):
        """Render a letter to review again, with today's figures of the same invoices."""
        self._check_state({"draft"}, self.env._("Only letters to review can be generated again."))
        self.env["collection.letter.engine"]._regenerate(self)
        return True

    def action_make_pdf(self):
        self.env["collection.letter.engine"]._make_pdf(self)
        return True

    def action_download(self):
        self.ensure_one()
        self._ensure_rendered()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/collection.letter/{self.id}/document_file/{self.document_filename}?download=true",
            "target": "self",
        }

    def action_download_zip(self):
        """Every selected letter (.docx, and PDF when there is one) in one ZIP."""
        if not self:
            raise UserError(self.env._("Select the letters to download."))
        attachment = self.env["ir.attachment"].create({
            "name": self.env._("letters-%(date)s.zip", date=self.env["collection.escalation"]._today()),
            # linked to no record: only its creator can download it
            "raw": self._zip_documents(), "mimetype": "application/zip",
        })
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true",
                "target": "self"}

    def action_open_moves(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_collection_litigation.account_move_action_collection")
        action["domain"] = [("id", "in", self.line_ids.move_id.ids)]
        action["context"] = {}
        return action

    # === Business === #
    def _check_state(self, allowed, message):
        if not self or any(letter.state not in allowed for letter in self):
            raise UserError(message)

    def _notify(self, message):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"type": "success", "message": message,
                           "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}

    def _ensure_rendered(self):
        """Render the letters still queued (or whose rendering failed) now, all together; a template that cannot
        render is said to the user."""
        todo = self.filtered(lambda letter: letter.render_state != "rendered")
        if todo:
            todo.check_access("read")
            self.env["collection.letter.engine"].sudo()._render_documents(todo.sudo())
        return True

    def _zip_documents(self):
        self._ensure_rendered()
        files = []
        for letter in self.with_context(bin_size=False):
            if letter.document_file:
                files.append((letter.document_filename, base64.b64decode(letter.document_file)))
            if letter.pdf_file:
                files.append((letter.pdf_filename, base64.b64decode(letter.pdf_file)))
        return zip_files(files)

    def _kind_label(self):
        self.ensure_one()
        return dict(self._fields["kind"]._description_selection(self.env))[self.kind]

    def _send_email(self):
        self._ensure_rendered()
        engine = self.env["collection.letter.engine"]
        generic = self.env.ref("account_collection_litigation.mail_template_collection_letter")
        escalation = self.env["collection.escalation"]
        for letter in self:
            # a PDF for a few letters sent from the form; a large batch goes with its Word files only
            if not letter.pdf_file and len(self) <= PDF_ON_SEND_LIMIT:
                engine._make_pdf(letter)
            attachments = self.env["ir.attachment"].create([
                {"name": name, "raw": base64.b64decode(data), "mimetype": mimetype,
                 "res_model": letter._name, "res_id": letter.id}
                for name, data, mimetype in (
                    (letter.document_filename, letter.with_context(bin_size=False).document_file,
                     self.env["collection.letter.template"]._docx_mimetype()),
                    (letter.pdf_filename, letter.with_context(bin_size=False).pdf_file, "application/pdf"),
                ) if data
            ])
            letter.message_post_with_source(
                letter.template_id.mail_template_id or generic,
                subtype_xmlid="mail.mt_comment", message_type="comment", attachment_ids=attachments.ids,
            )
            letter.write({"state": "sent", "channel": "email", "sent_date": escalation._today(letter.company_id)})
        self._log_event("sent")

    def _record_interruption(self):
        """A delivered letter with proof is a limitation interruption for each invoice it lists (a demand that
        arrived); a signed balance confirmation or agreement returned is recorded from the reply."""
        events = self.env["collection.limitation.event"]
        vals = []
        for letter in self.with_context(bin_size=False):
            if (letter.state != "delivered" or not letter.delivery_date or not letter.proof_file
                    or letter.kind in COURT_KINDS
                    or letter.limitation_event_ids.filtered(lambda e: e.event_type == "demand_delivered")):
                continue
            vals.append(letter._prepare_event_vals("demand_delivered", letter.delivery_date, letter.proof_file,
                                                   letter.proof_filename))
        if vals:
            events.sudo().create(vals)

    def _record_reply(self):
        vals = []
        for letter in self.with_context(bin_size=False):
            if (letter.kind in ACKNOWLEDGEMENT_KINDS and letter.reply_date and letter.reply_file
                    and not letter.limitation_event_ids.filtered(lambda e: e.event_type == "acknowledgement")):
                vals.append(letter._prepare_event_vals("acknowledgement", letter.reply_date, letter.reply_file,
                                                       letter.reply_filename))
        if vals:
            self.env["collection.limitation.event"].sudo().create(vals)
        for letter in self.filtered("reply_date"):
            letter.customer_id.sudo().message_post(body=self.env._(
                "Reply to %(letter)s received on %(date)s.", letter=letter.name, date=letter.reply_date))

    def _prepare_event_vals(self, event_type, day, proof, filename):
        self.ensure_one()
        return {
            "company_id": self.company_id.id, "partner_id": self.partner_id.id, "letter_id": self.id,
            "event_type": event_type, "date": day, "move_ids": [(6, 0, self.line_ids.move_id.ids)],
            "proof_file": proof, "proof_filename": filename,
        }

    def _log_event(self, what):
        """The customer file's and the invoices' chatter, and the collection history."""
        if not self:
            return
        court = self.filtered("case_id")
        if court:
            court._log_case_event(what)
            self -= court
            if not self:
                return
        if what in ("sent", "delivered"):
            self.customer_id._mark_to_recheck()   # soft collection counts it, whatever day it was sent on
        texts = {
            "drafted": lambda letter: letter.env._("%(kind)s %(letter)s drafted for review.",
                                                   kind=letter._kind_label(), letter=letter.name),
            "sent": lambda letter: letter.env._("%(kind)s %(letter)s sent (%(channel)s) on %(date)s.",
                                                kind=letter._kind_label(), letter=letter.name,
                                                channel=dict(letter._fields["channel"]._description_selection(
                                                    letter.env)).get(letter.channel, ""),
                                                date=format_date(letter.env, letter.sent_date)),
            "delivered": lambda letter: (letter.env._(
                "%(kind)s %(letter)s delivered on %(date)s, with proof: a limitation interruption.",
                kind=letter._kind_label(), letter=letter.name, date=format_date(letter.env, letter.delivery_date),
            ) if letter.proof_file else letter.env._(
                "%(kind)s %(letter)s delivered on %(date)s without proof: it interrupts no limitation period.",
                kind=letter._kind_label(), letter=letter.name, date=format_date(letter.env, letter.delivery_date))),
            "returned": lambda letter: letter.env._("%(kind)s %(letter)s came back undelivered.",
                                                    kind=letter._kind_label(), letter=letter.name),
        }
        notes, file_bodies, move_bodies = {}, {}, {}
        for letter in self:
            # The chatter of the customer's file and invoices is its company's team's: in the company's language.
            text = texts[what](letter.with_context(lang=letter.company_id.partner_id.lang or self.env.lang))
            link = Markup('<a href="#" data-oe-model="collection.letter" data-oe-id="%s">%s</a>') % (
                letter.id, letter.name)
            body = Markup("%s (%s)") % (text, link)
            file_bodies[letter.customer_id.id] = body
            if what != "drafted":
                letter.message_post(body=text)
            if what == "drafted" and letter.trigger == "calendar":
                # routine: the calendar's history row of the action holds the letter; the file's chatter says it
                continue
            for move in letter.line_ids.move_id:
                move_bodies[move.id] = body
            notes[letter] = text
        self.env["collection.customer"].sudo().browse(list(file_bodies))._message_log_batch(file_bodies)
        self.env["account.move"].sudo().browse(list(move_bodies))._message_log_batch(move_bodies)
        logged = self.filtered(lambda letter: letter in notes)
        if logged:
            self.env["collection.history"]._log(logged, "letter", letter_id=lambda letter: letter, note=notes.get,
                                                state="done" if what in ("sent", "delivered") else False)

    def _log_case_event(self, what):
        """A court document's events go to its case's chatter only: the customer file, the invoices and the
        collection history are read by collectors and sales reps, the case by the legal team."""
        texts = {
            "drafted": lambda letter: letter.env._("%(kind)s %(letter)s drafted.", kind=letter._kind_label(),
                                                   letter=letter.name),
            "sent": lambda letter: letter.env._("%(kind)s %(letter)s sent on %(date)s.", kind=letter._kind_label(),
                                                letter=letter.name, date=format_date(letter.env, letter.sent_date)),
            "delivered": lambda letter: letter.env._("%(kind)s %(letter)s delivered on %(date)s.",
                                                     kind=letter._kind_label(), letter=letter.name,
                                                     date=format_date(letter.env, letter.delivery_date)),
            "returned": lambda letter: letter.env._("%(kind)s %(letter)s came back undelivered.",
                                                    kind=letter._kind_label(), letter=letter.name),
        }
        for letter in self:
            # The case's chatter is read by the company's legal team: in the company's language.
            text = texts[what](letter.with_context(lang=letter.company_id.partner_id.lang or self.env.lang))
            if what != "drafted":
                letter.message_post(body=text)
            link = Markup('<a href="#" data-oe-model="collection.letter" data-oe-id="%s">%s</a>') % (
                letter.id, letter.name)
            letter.case_id.message_post(body=Markup("%s (%s)") % (text, link), subtype_xmlid="mail.mt_note")

    @api.model
    def _generate_for_calendar(self, files, actions):
        """The calendar's letter actions: draft each customer's letter, in its language, into the review queue,
        or send it at once when the action says so (and the customer has an email address)."""
        return self.env["collection.letter.engine"]._generate_for_calendar(files, actions)


class CollectionLetterLine(models.Model):
    """An invoice as a letter listed it, with its amounts on the letter's date."""

    _name = "collection.letter.line"
    _description = "Collection Letter Invoice"
    _order = "letter_id, due_date, id"

    letter_id = fields.Many2one("collection.letter", check_company=True, required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="letter_id.company_id", store=True)
    currency_id = fields.Many2one(related="letter_id.currency_id")
    # the line keeps the number and amounts as written: it outlives the invoice it came from
    move_id = fields.Many2one("account.move", check_company=True, string="Invoice", index=True, ondelete="set null")
    number = fields.Char(required=True)
    contract_ref = fields.Char(string="Contract")
    invoice_date = fields.Date()
    due_date = fields.Date()
    amount = fields.Monetary(string="Invoice Amount")
    open_amount = fields.Monetary()
    days_overdue = fields.Integer()
    interest = fields.Monetary()
    compensation = fields.Monetary()
