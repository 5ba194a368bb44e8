from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools import SQL, clean_context, create_index
from odoo.tools.mail import generate_tracking_message_id

from ..tools.activity_cap import DEFAULT_DAILY_ACTIVITIES, within_capacity

HISTORY_EVENTS = [
    ("stage", "Stage change"),
    ("action", "Calendar action"),
    ("pause", "Paused"),
    ("resume", "Resumed"),
    ("promise_broken", "Promise broken"),
    ("promise_kept", "Promise kept"),
    ("waiver", "Interest waived"),
    ("waiver_reversed", "Interest waiver reversed"),
    ("letter", "Letter"),
    ("contact", "Contact"),
    ("plan_broken", "Payment plan broken"),
    ("approval", "Approval"),
    ("override", "Override"),
    ("portal", "Customer portal"),
]
HISTORY_TRIGGERS = [
    ("cron", "Daily escalation"),
    ("manual", "Manual"),
    ("payment", "Payment"),
    ("policy", "Policy change"),
]
ACTION_STATES = [
    ("done", "Done"),
    ("to_review", "Waiting for review"),
    ("deferred", "Deferred (quiet hours)"),
    ("waiting", "Waiting (assignee's daily capacity reached)"),
    ("cancelled", "Cancelled"),
]
# The columns of a row the escalation writes in bulk.
ENGINE_COLUMNS = ("date", "user_id", "company_id", "customer_id", "partner_id", "move_id", "event", "trigger",
                  "stage_from_id", "stage_to_id", "action_id", "days_overdue", "dedup_key", "state", "note")
# Only the delivery state of an action moves after the fact; everything else is evidence.
MUTABLE_FIELDS = {"state", "scheduled_at", "mail_id", "activity_id", "reviewed_by_id", "letter_id"}
# What the API sets on every row itself, never taken from whoever logs the event.
STAMPED_FIELDS = {"date", "user_id", "trigger"}
# Context key of the history's own writes (_log, _log_rows, _set_delivery): create and write refuse any other.
API_CONTEXT_KEY = "collection_history_api"


class CollectionHistory(models.Model):
    """Append-only log of every stage change, calendar action and event of the collection work: evidence.

    Every row comes in through `_log` (records of the ORM) or `_log_rows` (the escalation's set-based path, one
    INSERT per batch, kept out of mail.message, which costs a query per row), which set its date, author and
    trigger themselves. No group may create, change or delete a row through the ORM; only the delivery state of
    an action (MUTABLE_FIELDS) moves afterwards, through `_set_delivery`."""

    _name = "collection.history"
    _description = "Collection History"
    _order = "date desc, id desc"
    _rec_name = "event"
    _check_company_auto = True

    # === Fields === #
    date = fields.Datetime(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    customer_id = fields.Many2one("collection.customer", string="Customer File", readonly=True, index=True,
                                  ondelete="cascade", check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True, index="btree_not_null",
                              check_company=True)
    event = fields.Selection(HISTORY_EVENTS, required=True, readonly=True)
    trigger = fields.Selection(HISTORY_TRIGGERS, required=True, readonly=True)
    stage_from_id = fields.Many2one("collection.stage", check_company=True, string="From Stage", readonly=True)
    stage_to_id = fields.Many2one("collection.stage", check_company=True, string="To Stage", readonly=True)
    action_id = fields.Many2one("collection.action", check_company=True,
                                string="Calendar Action", readonly=True, index="btree_not_null")
    action_type = fields.Selection(related="action_id.action_type")
    days_overdue = fields.Integer(readonly=True)
    dedup_key = fields.Char(readonly=True, copy=False,
                            help="Identifies a calendar action for one customer, episode and period.")
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    note = fields.Text(readonly=True)
    state = fields.Selection(ACTION_STATES, readonly=True)
    scheduled_at = fields.Datetime(readonly=True, help="When a deferred email or SMS may go out.")
    mail_id = fields.Many2one("mail.mail", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    reviewed_by_id = fields.Many2one("res.users", readonly=True)
    letter_id = fields.Many2one("collection.letter", check_company=True,
                                readonly=True, index="btree_not_null", ondelete="set null",
                                groups="account_collection_litigation.group_collection_collector")

    _sql_constraints = [
        ("dedup_key_unique", "UNIQUE(dedup_key)", "This calendar action was already carried out."),
    ]

    def init(self):
        res = super().init()
        # Every escalation batch looks for SMS whose quiet hours are over; they are few in a large history.
        create_index(self.env.cr, "collection_history_deferred_idx", self._table, ["scheduled_at"],
                     where="state = 'deferred'")
        # The letter job looks for calendar rows still waiting for their letter, however old, in a large history.
        create_index(self.env.cr, "collection_history_letter_pending_idx", self._table, ["id"],
                     where="event = 'action' AND letter_id IS NULL AND state IN ('done', 'to_review')")
        # Each call of the worklists looks for follow-ups waiting for their assignee's capacity: few.
        create_index(self.env.cr, "collection_history_waiting_idx", self._table, ["id"], where="state = 'waiting'")
        return res

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        # sudo and the key: a client's context may carry the key, never sudo (nor create rights, see the CSV)
        if not (self.env.su and self.env.context.get(API_CONTEXT_KEY)):
            raise AccessError(self.env._("The collection history is evidence: its rows are written by the events "
                                         "themselves, never by hand."))
        return super().create(vals_list)

    def write(self, vals):
        if not (self.env.su and self.env.context.get(API_CONTEXT_KEY)) or set(vals) - MUTABLE_FIELDS:
            raise AccessError(self.env._("The collection history is evidence: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        raise UserError(self.env._("The collection history is evidence: it cannot be deleted."))

    # === Actions === #
    def action_approve_send(self):
        """Approve emails of the review queue and send them (outside quiet hours)."""
        self.env["collection.customer"].check_access("write")
        queued = self.filtered(lambda h: h.state == "to_review")
        if not queued:
            raise UserError(self.env._("Select emails that wait for review."))
        queued.sudo()._send_email(reviewer=self.env.user)
        return True

    def action_cancel(self):
        self.env["collection.customer"].check_access("write")
        self.filtered(lambda h: h.state in ("to_review", "deferred"))._set_delivery({"state": "cancelled"})
        return True

    # === Business: the one way in === #
    @api.model
    def _log(self, records, event, **values):
        """Append one row of `event` per record: how every event of the addon reaches the history.

        `records` are what the event is about: customer files, invoices (the row names the invoice and its
        customer's file, created when missing), or a record of the work on a file (a pause, contact, plan,
        letter, waiver...) with a customer_id and/or a move_id. `values` are further columns (note, state,
        stages...), each a value or a function of the record; a record stands for its id. The date, the author
        (the user, also under sudo) and the trigger are set here: a caller never gives them. Returns the rows."""
        if STAMPED_FIELDS & values.keys():
            raise ValueError(f"collection.history._log sets {sorted(STAMPED_FIELDS)} itself")
        stamp = self._stamp()
        vals_list = []
        for record, subject in zip(records, self._subjects(records), strict=True):
            vals = {**subject, "event": event}
            for name, value in values.items():
                value = value(record) if callable(value) else value
                vals[name] = value.id if isinstance(value, models.BaseModel) else value
            vals_list.append({**vals, **stamp})
        # sudo: nobody has create rights; no default_* of the caller's context slips into the evidence
        rows = self.sudo().with_context(clean_context(self.env.context), **{API_CONTEXT_KEY: True}).create(vals_list)
        return rows.with_env(self.env)

    @api.model
    def _log_rows(self, rows, skip_existing=None):
        """`_log` for the escalation's set-based path: rows of `_engine_row`, stamped here as `_log` stamps them
        and inserted in one statement (collection.escalation._write_rows). With skip_existing="dedup_key", a
        calendar action logged before is skipped, and {dedup_key: id} of the inserted rows is returned."""
        stamp = self._stamp()
        for row in rows:
            row.update(stamp, trigger=row["trigger"] or stamp["trigger"])
        return self.env["collection.escalation"]._write_rows(self._name, rows, create=True,
                                                             skip_existing=skip_existing)

    @api.model
    def _engine_row(self, company, file, event, paid=False, **values):
        """A row for `_log_rows`: every column named, so that the rows of a batch go out in one INSERT. `paid`:
        the stage changes because the invoice was paid (trigger 'payment', which the KPIs read)."""
        if STAMPED_FIELDS & values.keys():
            raise ValueError(f"collection.history._log_rows sets {sorted(STAMPED_FIELDS)} itself")
        row = dict.fromkeys(ENGINE_COLUMNS)
        row.update(company_id=company.id, customer_id=file["id"], partner_id=file["partner_id"], event=event,
                   trigger="payment" if paid else None, **values)
        return row

    @api.model
    def _stamp(self):
        """Date, author and trigger of the rows logged now. The trigger is 'cron' inside a scheduled job (ir.cron
        puts its progress record in the context of every job it runs, the nightly run as "Run Manually"), else
        'manual'. Inside an HTTP request the context is the client's to write: a request is always 'manual'."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id")) and not request
        return {"date": fields.Datetime.now(), "user_id": self.env.uid, "trigger": "cron" if in_cron else "manual"}

    @api.model
    def _subjects(self, records):
        """Company, customer file, customer and invoice of each record, as the columns of its row (see `_log`)."""
        moves = self.env["account.move"]
        if records._name == "collection.customer":
            pairs = [(record, moves) for record in records]
        elif records._name == "account.move":
            pairs = [(None, record) for record in records]
        else:
            move_field = records._fields.get("move_id")
            pairs = [(record.customer_id if "customer_id" in records._fields else None,
                      record.move_id if move_field and move_field.type == "many2one" else moves)
                     for record in records]
        without_file = moves.union(*(move for file, move in pairs if not file))
        file_of = {(file.partner_id, file.company_id): file for file in without_file._collection_files()}
        no_file = self.env["collection.customer"]
        subjects = []
        for record, (file, move) in zip(records, pairs, strict=True):
            file = file or file_of.get((move.commercial_partner_id, move.company_id), no_file)
            subjects.append({
                "company_id": (file.company_id or move.company_id or record.company_id).id,
                "customer_id": file.id,
                "partner_id": (file.partner_id or move.commercial_partner_id or record.partner_id).id,
                "move_id": move.id,
            })
        return subjects

    def _set_delivery(self, vals):
        """The one change a row takes after the fact: the delivery state of its action (MUTABLE_FIELDS)."""
        return self.sudo().with_context(**{API_CONTEXT_KEY: True}).write(vals)

    # === Business: side effects of the escalation === #
    @api.model
    def _log_stage_changes(self, stage_changes, trigger):
        """One chatter note per customer whose stage changed (`noted` in each change: not for a customer found in
        collection at its first check); tell salespeople and the legal team when the customer enters a stage beyond
        the furthest it reached this episode (`told` in each change), once."""
        if not stage_changes:
            return
        trigger_label = dict(self._fields["trigger"]._description_selection(self.env))[trigger]
        bodies = {}
        activities = []
        legal_type = self.env.ref("account_collection_litigation.mail_activity_type_legal_review")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        file_model = self.env["ir.model"]._get_id("collection.customer")
        hold_note = self.env._("Credit hold: no new sales on credit until the overdue invoices are paid.")
        stages = self.env["collection.stage"]
        none = self.env._("none")
        # what is read of the files told about and their customers, as plain rows in one query: through the ORM,
        # their whole rows (20,000 of each on a go-live night)
        told_ids = tuple(file_id for file_id, _old_id, new_id, told, _noted in stage_changes
                         if told and (stages.browse(new_id).notify_salesperson
                                      or stages.browse(new_id).propose_legal_case))
        files = {}
        if told_ids:
            self.env["collection.customer"].flush_model(["partner_id", "policy_id", "user_id"])
            self.env["res.partner"].flush_model(["name", "user_id"])
            self.env.cr.execute(SQL(
                """
                SELECT c.id, c.partner_id, p.name, p.user_id, c.policy_id, c.user_id
                  FROM collection_customer c JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.id IN %s
                """,
                told_ids,
            ))
            files = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        policies = self.env["collection.policy"].browse({row[3] for row in files.values()} - {None})
        for file_id, old_id, new_id, _told, noted in stage_changes:
            old, new = stages.browse(old_id), stages.browse(new_id)
            if noted:
                bodies[file_id] = Markup("%s: %s → %s (%s)") % (
                    self.env._("Collection stage"), old.name or none, new.name if new else none, trigger_label,
                )
            if file_id not in files:
                continue
            partner_id, partner_name, salesperson_id, policy_id, collector_id = files[file_id]
            if new.notify_salesperson and salesperson_id:
                activities.append({
                    "res_model_id": partner_model, "res_id": partner_id, "activity_type_id": todo_type.id,
                    "user_id": salesperson_id, "automated": True,
                    "summary": self.env._("%(customer)s entered %(stage)s", customer=partner_name, stage=new.name),
                    "note": escape(hold_note) if new.credit_hold else False,
                })
            if new.propose_legal_case:
                policy = policies.browse(policy_id)
                activities.append({
                    "res_model_id": file_model, "res_id": file_id, "activity_type_id": legal_type.id,
                    "user_id": (policy.legal_user_id or policy.supervisor_id).id or collector_id or self.env.uid,
                    "automated": True,
                    "summary": self.env._("Consider a legal case: soft collection has failed"),
                })
        self._log_file_notes(bodies)
        self._create_activities_batch(activities)

    @api.model
    def _log_file_notes(self, bodies):
        """The escalation's one note of the day per customer file, {file id: Markup body}, as
        mail.thread._message_log_batch writes it (an internal note by the current user, nobody notified) but in
        one INSERT: through the ORM each note costs milliseconds of Python (sanitizing, caches, inverses), which
        on a go-live night of 20,000 files was the escalation's largest cost. The bodies are Markup built from
        escaped values (plain text, one paragraph), stored as the ORM's sanitizer would."""
        if not bodies:
            return
        author = self.env.user.partner_id
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=author.email_formatted)[False]
        now = fields.Datetime.now()
        self.env["collection.escalation"]._write_rows("mail.message", [{
            "model": "collection.customer", "res_id": file_id, "date": now,
            "body": str(Markup("<p>%s</p>") % body),   # a paragraph, as the sanitizer stores a line of text
            "message_type": "notification", "subtype_id": note, "is_internal": True, "author_id": author.id,
            "email_from": author.email_formatted or None, "reply_to": reply_to or None, "email_add_signature": False,
            "message_id": generate_tracking_message_id("message-notify"),
        } for file_id, body in bodies.items()], create=True)
        self.env["collection.customer"].browse(list(bodies)).invalidate_recordset(["message_ids"])

    @api.model
    def _carry_out_actions(self, candidates, today):
        """Log and carry out the calendar actions due today (rows planned by the escalation, which left out those
        carried out before: see `_not_done`), once per customer, action and period or episode: a row whose dedup
        key another run has just inserted is skipped."""
        if not candidates:
            return
        inserted = self._log_rows(candidates, skip_existing="dedup_key")
        todo = [row for row in candidates if row["dedup_key"] in inserted]
        files = self.env["collection.customer"].browse(row["customer_id"] for row in todo)
        actions = self.env["collection.action"].browse(row["action_id"] for row in todo)
        self.browse(inserted[row["dedup_key"]] for row in todo)._execute(
            list(zip(files, actions, strict=True)), today)

    @api.model
    def _not_done(self, candidates):
        """The planned rows whose dedup key no row has yet: an action is due on every working day of its period
        (a run that missed a day catches up), and carried out once."""
        if not candidates:
            return candidates
        self.env.cr.execute(SQL(
            "SELECT dedup_key FROM collection_history WHERE dedup_key = ANY(%s)",
            [row["dedup_key"] for row in candidates],
        ))
        done = {key for (key,) in self.env.cr.fetchall()}
        return [row for row in candidates if row["dedup_key"] not in done]

    @api.model
    def _create_activities_batch(self, vals_list):
        """Create activities in one batch, without a notification email each.

        Assignees are subscribed first, once per record: mail.activity.create subscribes them per activity and
        fails on two activities of one user on the same record in a batch."""
        if not vals_list:
            return self.env["mail.activity"]
        records_by_model_user = defaultdict(set)
        for vals in vals_list:
            records_by_model_user[(vals["res_model_id"], vals["user_id"])].add(vals["res_id"])
        for (model_id, user_id), res_ids in records_by_model_user.items():
            model = self.env["ir.model"].browse(model_id).sudo().model
            partner = self.env["res.users"].browse(user_id).sudo().partner_id
            self.env[model].sudo().browse(res_ids).message_subscribe(partner_ids=partner.ids)
        return self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    def _execute(self, file_actions, today):
        """Carry out freshly logged calendar actions on the run's day; self[i] is the history row of
        file_actions[i]."""
        activity_rows = []
        for row, (file, action) in zip(self, file_actions, strict=True):
            if action.action_type == "activity":
                activity_rows.append((row, file, action))
            elif action.action_type == "email" and row.state == "done":
                row._send_email()
            elif action.action_type == "sms":
                row._send_sms()
        self._create_action_activities(activity_rows, today)
        letters = [(file, action) for file, action in file_actions if action.action_type == "letter"]
        self.env["collection.letter"]._generate_for_calendar([f for f, _a in letters], [a for _f, a in letters])

    def _create_action_activities(self, activity_rows, today):
        """One batched create; a follow-up still open from the same action is moved to today instead."""
        if not activity_rows:
            return
        files = self.env["collection.customer"].union(*(file for _row, file, _action in activity_rows))
        self.env.cr.execute(SQL(
            """
            SELECT h.customer_id, h.action_id, max(h.activity_id)
              FROM collection_history h JOIN mail_activity a ON a.id = h.activity_id
             WHERE h.customer_id IN %s GROUP BY h.customer_id, h.action_id
            """,
            tuple(files.ids),
        ))
        open_activity = {(cid, aid): act for cid, aid, act in self.env.cr.fetchall()}
        model_id = self.env["ir.model"]._get_id("collection.customer")
        todo_type = None   # looked up once, when an action has no type: each env.ref is a query (exists())
        to_create, created_for, reused = [], [], defaultdict(list)
        for row, file, action in activity_rows:
            existing = open_activity.get((file.id, action.id))
            if existing:
                reused[existing].append(row)
                continue
            if not (activity_type := action.activity_type_id):
                activity_type = todo_type = todo_type or self.env.ref("mail.mail_activity_data_todo")
            to_create.append({
                "res_model_id": model_id, "res_id": file.id, "activity_type_id": activity_type.id,
                "user_id": file._responsible_user(action.assignee).id, "date_deadline": today,
                "summary": action.name, "automated": True,
            })
            created_for.append(row)
        # Nobody receives more new activities a day than their capacity: the rest wait (in the order given, the
        # oldest waiting first) for a later day, on their history row.
        users = {vals["user_id"] for vals in to_create}
        # an escalation worker that does not hold the activity lock gives none: they wait for the worklist
        room = dict.fromkeys(users, 0) if self.env.context.get("collection_daily_limits_elsewhere") else \
            self._activity_room(users, today)
        kept = within_capacity([vals["user_id"] for vals in to_create], room)
        waiting = self.browse(row.id for row, fits in zip(created_for, kept, strict=True) if not fits)
        waiting.filtered(lambda row: row.state != "waiting")._set_delivery({"state": "waiting"})
        to_create = [vals for vals, fits in zip(to_create, kept, strict=True) if fits]
        created_for = [row for row, fits in zip(created_for, kept, strict=True) if fits]
        woken = self.browse(row.id for row in created_for if row.state == "waiting")
        woken |= self.browse(row.id for rows in reused.values() for row in rows if row.state == "waiting")
        woken._set_delivery({"state": "done"})
        activities = self._create_activities_batch(to_create)
        if reused:
            self.env["mail.activity"].browse(list(reused)).sudo().write({"date_deadline": today})
        pairs = [(row.id, act.id) for row, act in zip(created_for, activities, strict=True)]
        pairs += [(row.id, act_id) for act_id, rows in reused.items() for row in rows]
        self.env["collection.escalation"]._write_rows(
            "collection.history", [{"id": row_id, "activity_id": act_id} for row_id, act_id in pairs])

    @api.model
    def _activity_room(self, user_ids, today):
        """{user id: new activities they may still receive today}: the largest daily capacity of their teams
        (DEFAULT_DAILY_ACTIVITIES outside any team) less the automated activities already due today on their
        list (by due date: the database clock of create_date is not the run's day)."""
        if not user_ids:
            return {}
        self.env["mail.activity"].flush_model()
        self.env.cr.execute(SQL(
            """
            SELECT u.id, COALESCE(max(t.capacity_activities), %(default)s),
                   (SELECT count(*) FROM mail_activity a
                     WHERE a.user_id = u.id AND a.automated AND a.date_deadline = %(today)s)
              FROM unnest(%(users)s::int[]) AS u(id)
              LEFT JOIN collection_team_member_rel rel ON rel.user_id = u.id
              LEFT JOIN collection_team t ON t.id = rel.team_id AND t.active
             GROUP BY u.id
            """,
            default=DEFAULT_DAILY_ACTIVITIES, today=today, users=list(user_ids),
        ))
        return {user_id: capacity - given for user_id, capacity, given in self.env.cr.fetchall()}

    @api.model
    def _waiting_rows(self, limit=5000):
        """Follow-ups that wait for their assignee's capacity, oldest first."""
        self.flush_model()
        self.env.cr.execute(SQL(
            "SELECT id FROM collection_history WHERE state = 'waiting' ORDER BY id LIMIT %s", limit))
        return self.browse(row_id for (row_id,) in self.env.cr.fetchall())

    def _give_waiting_activities(self, today):
        """Give these waiting follow-ups as far as today's capacity goes; those of a customer no longer in
        collection are cancelled."""
        gone = self.filtered(lambda row: not row.customer_id.overdue_count)
        gone._set_delivery({"state": "cancelled"})
        rows = self - gone
        rows._create_action_activities([(row, row.customer_id, row.action_id) for row in rows], today)

    def _send_sms(self):
        for row in self:
            customer = row.customer_id
            send_at = customer._quiet_until()
            if send_at:
                row._set_delivery({"state": "deferred", "scheduled_at": send_at})
                self.env.ref("account_collection_litigation.ir_cron_collection_escalate")._trigger(at=send_at)
                continue
            partner = customer.partner_id
            number = partner.mobile or partner.phone
            if not number:
                row._set_delivery({"state": "cancelled"})
                continue
            body = row.action_id.sms_template_id._render_field("body", customer.ids)[customer.id]
            # every reminder carries the link to the customer's own collection page (issue 29)
            body = f"{body}\n{customer.collection_portal_link('reminder SMS')}"
            self.env["sms.sms"].sudo().create({"number": number, "partner_id": partner.id, "body": body})
            row._set_delivery({"state": "done"})

    @api.model
    def _send_deferred(self):
        """Send the SMS held back by quiet hours whose time has come (those a concurrent run is not sending)."""
        due = self.search([("state", "=", "deferred"), ("scheduled_at", "<=", fields.Datetime.now())])
        if due:
            locked = self.env["collection.batch.runner"]._execute_unless_done_concurrently(SQL(
                "SELECT id FROM collection_history WHERE id IN %s AND state = 'deferred' FOR UPDATE SKIP LOCKED",
                tuple(due.ids),
            ))
            self.browse(locked or [])._send_sms()

    def _send_email(self, reviewer=None):
        """Send the action's email now, or schedule it for the end of the customer's quiet hours."""
        for row in self:
            customer = row.customer_id
            send_at = customer._quiet_until()
            mail_id = row.action_id.mail_template_id.send_mail(
                customer.id,
                email_values={"scheduled_date": send_at} if send_at else None,
            )
            row._set_delivery({
                "state": "done",
                "mail_id": mail_id,
                "scheduled_at": send_at,
                "reviewed_by_id": reviewer.id if reviewer else False,
            })
