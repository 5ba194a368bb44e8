import json
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, format_date

from ..tools import debtor
from ..tools.calendar_actions import CalendarAction, Episode, dedup_key, due_actions, next_letter_day, next_slot_day
from ..tools.classification import InvoiceRow, Pause, classify_customer
from ..tools.dates import local_today, zone_name
from ..tools.going_live import NewCustomer, start_today
from ..tools.next_check import next_check_day
from ..tools.stages import soft_collection_failed, soft_collection_lacks

_logger = logging.getLogger(__name__)

CRON_XMLID = "account_collection_litigation.ir_cron_collection_escalate"
# Advisory lock taken by the runner that creates missing customer files (any constant unique to this addon).
SYNC_LOCK_KEY = 7_310_018
# Advisory lock of the escalation call that applies the daily limits per person (new activities within capacity,
# new customers started): one worker counts them at a time.
DAILY_LIMITS_LOCK_KEY = 7_310_020
# Context key of an escalation call whose daily limits another worker holds.
LIMITS_ELSEWHERE = "collection_daily_limits_elsewhere"
# Customer files per call: each call pays a fixed cost (claiming its batch, the policies' rules, the companies'
# day, a commit) that at 500 files was a tenth of a go-live night at 100k invoices (35.2 s, against 30.6 s at
# 1,000). An even share of the day's files between two workers, counted before each claim, scaled worse: the
# count widened the window in which a worker's claim meets the other's commit and takes nothing.
ESCALATION_BATCH_SIZE = 1000

# What the escalation keeps right on each invoice and on each customer file.
MOVE_ENGINE_COLUMNS = (
    "collection_customer_id", "collection_user_id", "collection_stage_id", "collection_bucket",
    "collection_pause_id", "collection_pause_reason", "collection_not_chased_reason", "collection_stage_note",
    "collection_stage_date",
)
FILE_ENGINE_COLUMNS = (
    "policy_id", "user_id", "stage_id", "stage_date", "credit_hold", "days_overdue", "anchor_date", "overdue_amount",
    "due_amount", "credit_amount", "claim_amount", "overdue_count", "open_count", "not_chased_reason", "stage_note",
    "next_action_id", "next_action_date", "chased_since", "peak_days", "peak_stage_id", "work_assigned",
    "assigned_on", "next_check_on",
)


class CollectionEscalation(models.AbstractModel):
    """The daily escalation: which customer files to look at, what they owe, where they stand, what to do.

    Like account.move.send, a process of its own: the customer file stays a record; this model owns the
    batches, the locks, the set-based readers and the one SQL writer. The decisions are the pure functions of
    tools/ (classification, stages, calendar); the side effects (history, chatter, actions, activities) live
    with collection.history. The cron and *Escalate Now* both come through `_escalate`."""

    _name = "collection.escalation"
    _description = "Collection Escalation"

    # === ENTRY POINTS === #
    @api.model
    def _run_batch(self, batch_size=ESCALATION_BATCH_SIZE):
        """One batch of customer files per call; the cron runner commits and calls again while work remains.

        A file is done for the day once `checked_on` is today, so a rerun or a run resumed after a crash
        continues where it stopped; rows locked by a concurrent run are skipped, never waited for, and so are
        rows it escalated after this call began (the next call, in a fresh transaction, sees them done)."""
        # The first statement of the call, so that its snapshot holds all that was committed before the lock was
        # free: one worker slot at a time applies the daily limits per person (neither worker would see what the
        # other has not committed). The others classify every customer but start no capped new one (it waits for
        # a later day with room in its collector's day) and give no new activity (theirs wait for the worklist,
        # which one worker runs, in the morning).
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", DAILY_LIMITS_LOCK_KEY))
        escalation = self if self.env.cr.fetchone()[0] else self.with_context(**{LIMITS_ELSEWHERE: True})
        escalation.env["collection.history"]._send_deferred()
        files, skipped = escalation._lock_files_to_check(batch_size)
        # The day's catching up (customers without a file, files to wake, quiet files aged) is done when its work
        # runs out (a batch that is not full, or the last full one), not on every call: the look for customers
        # without a file scans every open invoice not linked yet, and on a go-live night that is the whole
        # ledger, call after call. Files it makes due are taken at once or by the next call.
        caught_up = len(files) < batch_size and not skipped
        due = caught_up and self._catch_up()
        if due:
            more, skipped = escalation._lock_files_to_check(batch_size - len(files))
            files |= more
        failed = escalation._escalate(files, trigger="cron", isolate=True)
        if failed:
            _logger.warning("Escalation: %s of %s customer files skipped on error", len(failed), len(files))
        remaining = escalation._count_files_to_check() if len(files) == batch_size or skipped else 0
        if not remaining and not caught_up:
            due = self._catch_up()
            remaining = escalation._count_files_to_check() if due else 0
        done = len(files)
        if due is None or skipped:
            # Another runner was ahead of this call: it caught up (on a go-live night it made every file) or took
            # rows after this call's snapshot began, and has committed since. What is left is for the next call,
            # in a fresh snapshot; this call counts as work done, as one that reports nothing done ends the job
            # and would leave the rest of the night to the other runner.
            done, remaining = done or 1, max(remaining, 1)
        # Skipped files count as done: they wait for the next day (or a recheck), not for the next call.
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _escalate(self, files, trigger="cron", today=None, isolate=False):
        """Classify the invoices of these files and carry out the calendar actions due today, each company on
        its own day (see `_today`) unless a day is given.

        With `isolate` (the scheduled run), each company's batch runs in a savepoint and falls back to one file
        at a time (collection.batch.runner): a file that fails is skipped and marked, the others are escalated.
        Returns the files that failed. Without it (a user's *Escalate Now*), an error reaches the user."""
        failed = self.env["collection.customer"]
        if not files:
            return failed
        if trigger == "manual":
            self._lock_for_manual_run(files)
        self.env.flush_all()
        runner = self.env["collection.batch.runner"]
        for company, company_files in files.sudo()._by_company():
            # What the run writes (chatter, activities, stage notes) is read by the company's team: its language.
            escalation = self.sudo().with_company(company).with_context(lang=company.partner_id.lang or self.env.lang)
            day = today or self._today(company)
            if isolate:
                failed |= runner._run(
                    company_files, lambda batch, escalation=escalation, day=day: escalation._escalate_company(
                        batch, trigger, day),
                    CRON_XMLID, on_error=escalation._escalation_file_error,
                ).failed
            else:
                escalation._escalate_company(company_files, trigger, day)
        self.env.invalidate_all()
        return failed.sudo(False)

    # === TODAY === #
    @api.model
    def _today(self, company=None):
        """Today for a company (the current one when none is given): the date in the time zone of its partner
        (UTC when it has none). The one definition of "today" of the addon: every cron, compute, report, default
        and deadline asks it, whoever runs or reads them, never the user's or the server's day."""
        return local_today(fields.Datetime.now(), (company or self.env.company).sudo().partner_id.tz)

    @api.model
    def _company_date_sql(self, company, column):
        """A UTC timestamp column as a date on the company's clock: the day `_today` would have said then.

        `company` is a record, or an SQL expression of a company id for rows of several companies (a view):
        its zone is then read in SQL, an unknown one counting as UTC like in `_today`."""
        if isinstance(company, SQL):
            zone = SQL(
                "COALESCE((SELECT z.name FROM res_company co JOIN res_partner p ON p.id = co.partner_id"
                " JOIN pg_timezone_names z ON z.name = p.tz WHERE co.id = %s), 'UTC')", company)
        else:
            zone = zone_name(company.sudo().partner_id.tz)
        return SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", column, zone)

    @api.model
    def _company_day_domain(self, field, operator, days_ago=0, company_field="company_id"):
        """A domain comparing a date field with today (minus `days_ago`), each company's records with that
        company's day."""
        return expression.OR([
            [(company_field, "=", company.id), (field, operator, self._today(company) - timedelta(days=days_ago))]
            for company in self.env["res.company"].sudo().search([], limit=None)   # a handful
        ])

    @api.model
    def _company_day_search(self, field, operator, search_operator, value, days_ago=0):
        """The domain of a boolean "`field` `operator` today" searched with (`search_operator`, `value`)."""
        if search_operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search: %(operator)s %(value)s",
                                                 operator=search_operator, value=value))
        domain = self._company_day_domain(field, operator, days_ago)
        return domain if (search_operator == "=") == value else ["!", *domain]

    @api.model
    def _company_days(self):
        """SQL rows (company_id, today) of every company, to select the work of each on its own day."""
        companies = self.env["res.company"].sudo().search([], limit=None)   # a handful
        return SQL(
            "unnest(%s::int[], %s::date[]) AS d(company_id, today)",
            companies.ids, [self._today(company) for company in companies],
        )

    # === SELECTION OF WORK === #
    @api.model
    def _catch_up(self):
        """When the day's work runs out: create the files of customers that have none, wake the quiet files an
        event may have changed, and count the days of the files that stay quiet. Returns how many files it made
        due today. One runner does it; a concurrent one waits until that runner commits and returns None: the
        files it made (on a go-live night, every file) are seen by the next call, in a fresh snapshot."""
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", SYNC_LOCK_KEY))
        if not self.env.cr.fetchone()[0]:
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", SYNC_LOCK_KEY))
            return None
        due = self._sync_customer_files() + self._wake_quiet_files()
        self._age_quiet_files()
        return due

    @api.model
    def _sync_customer_files(self):
        """Create the files of customers with open invoices that have none yet (data from before the install,
        imports in SQL), whatever else ran today: they are escalated in this same run. Returns how many.

        Only invoices not linked to a file yet are looked at (a partial index holds them: few once the run has
        linked them). A file gets at once what this module stores on a new one (its importance and risk, hence
        whether it needs a management owner): on a go-live night the worklists would otherwise rewrite 20,000
        files for it."""
        self.env["account.move"].flush_model()
        self.env["res.partner"].flush_model(["collection_customer_type", "collection_blacklisted"])
        created = self.env["collection.batch.runner"]._execute_unless_done_concurrently(SQL(
            """
            INSERT INTO collection_customer (partner_id, company_id, importance, risk_level, needs_management_owner,
                                             create_uid, write_uid, create_date, write_date)
            SELECT DISTINCT m.commercial_partner_id, m.company_id, r.importance, r.risk_level, r.needs_owner,
                   %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM account_move m
              JOIN res_partner p ON p.id = m.commercial_partner_id
              LEFT JOIN (VALUES %(new_files)s) AS r(customer_type, blacklisted, importance, risk_level, needs_owner)
                ON r.customer_type IS NOT DISTINCT FROM p.collection_customer_type
               AND r.blacklisted = COALESCE(p.collection_blacklisted, false)
             WHERE %(open)s AND m.collection_customer_id IS NULL
               -- checked first so that rows another run is updating are never waited for
               AND NOT EXISTS (SELECT 1 FROM collection_customer c
                                WHERE c.partner_id = m.commercial_partner_id AND c.company_id = m.company_id)
            ON CONFLICT (partner_id, company_id) DO NOTHING
            RETURNING id
            """,
            uid=self.env.uid, open=self.env["account.move"]._collection_open_sql("m"),
            new_files=SQL(", ").join(
                SQL("(%s::varchar, %s, %s::varchar, %s::varchar, %s)", *row) for row in self._new_file_values()),
        ))
        return len(created or ())

    @api.model
    def _new_file_values(self):
        """[(customer type, blacklisted, importance, risk level, needs a management owner)] of a new file, for
        every customer type and blacklisting, by the rules the file's computes use (tools/debtor): a new file has
        no debtor class and no management owner yet."""
        types = [None, *self.env["res.partner"]._fields["collection_customer_type"].get_values(self.env)]
        return [(customer_type, blacklisted, *debtor.file_profile(customer_type, None, blacklisted, False))
                for customer_type in types for blacklisted in (False, True)]

    @api.model
    def _wake_quiet_files(self):
        """Queue the quiet files held back by soft collection (a stage note) that have a chasing step (what soft
        collection counts: `_chasing_steps_sql`) on or after the day of their last check. Returns how many.

        Only those: soft collection counts for no other file. A file with steps of the run that checked it (emails,
        SMS) is not quiet: it was acted on."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT c.company_id, c.id, c.partner_id, c.checked_on FROM %s AND c.stage_note IS NOT NULL",
            self._quiet_files_sql(),
        ))
        held = defaultdict(dict)
        for company_id, file_id, partner_id, checked_on in self.env.cr.fetchall():
            held[company_id][partner_id] = (file_id, checked_on)
        woken = []
        for company_id, files in held.items():
            self.env.cr.execute(SQL(
                "SELECT ch.partner_id, max(ch.day) FROM (%s) ch GROUP BY ch.partner_id",
                self._chasing_steps_sql(self.env["res.company"].browse(company_id),
                                        [(file_id, partner_id) for partner_id, (file_id, _day) in files.items()]),
            ))
            woken += [files[partner_id][0] for partner_id, day in self.env.cr.fetchall()
                      if day >= files[partner_id][1]]
        if not woken:
            return 0
        woken = self.env["collection.batch.runner"]._execute_unless_done_concurrently(SQL(
            "UPDATE collection_customer SET checked_on = NULL WHERE id IN "
            "(SELECT id FROM collection_customer WHERE id = ANY(%s) FOR UPDATE SKIP LOCKED) RETURNING id",
            woken,
        ))
        self.env["collection.customer"].invalidate_model(["checked_on"])
        return len(woken or ())

    @api.model
    def _age_quiet_files(self):
        """The files that stay quiet today are checked as the full escalation would leave them: only their days
        overdue grow (and a waiting customer's first action moves to tomorrow), in one UPDATE."""
        self.env["collection.batch.runner"]._execute_unless_done_concurrently(SQL(
            """
            UPDATE collection_customer f
               SET checked_on = q.today,
                   days_overdue = COALESCE(q.today - f.anchor_date, 0),
                   peak_days = CASE WHEN f.overdue_count > 0
                                    THEN GREATEST(f.peak_days, COALESCE(q.today - f.anchor_date, 0)) ELSE 0 END,
                   next_action_date = CASE WHEN %(waiting)s THEN q.today + 1 ELSE f.next_action_date END
              FROM (SELECT c.id, d.today FROM %(quiet)s FOR UPDATE OF c SKIP LOCKED) q
             WHERE f.id = q.id
            """,
            quiet=self._quiet_files_sql(), waiting=self._waiting_sql("f"),
        ))
        self.env["collection.customer"].invalidate_model(
            ["checked_on", "days_overdue", "peak_days", "next_action_date"])

    @api.model
    def _waiting_sql(self, alias="c"):
        """A customer being chased whose calendar has not started: it waits for room in its collector's day."""
        alias = SQL.identifier(alias)
        return SQL("(%s.chased_since IS NULL AND %s.overdue_count > 0 AND %s.stage_id IS NOT NULL)",
                   alias, alias, alias)

    @api.model
    def _due_today_sql(self, days):
        """Whether a file checked on an earlier day is due today (see tools/next_check): on or after its next
        check, or waiting for room in a collector's day that has room left (the day's first calls take them,
        the later ones leave the others quiet). `days` is `_company_days()` of the enclosing query.

        For a worker that does not count the daily limits (LIMITS_ELSEWHERE), a waiting customer is due only when
        its policy has no cap: only the worker that counts can start a capped one. The other would check each
        again to leave it waiting, and count it as work left (at 100k, two workers checked the 20,000 files on a
        following day instead of the 2,800 due)."""
        if self.env.context.get(LIMITS_ELSEWHERE):
            room = SQL("NOT EXISTS (SELECT 1 FROM collection_policy p "
                       "WHERE p.id = c.policy_id AND p.daily_new_customers > 0)")
        else:
            room = SQL(
                """c.id NOT IN (
                    SELECT w.id FROM collection_customer w
                      JOIN collection_policy p ON p.id = w.policy_id AND p.daily_new_customers > 0
                      JOIN (SELECT s.company_id, COALESCE(s.user_id, 0) AS user_id, count(*) AS started
                              FROM collection_customer s JOIN %s ON d.company_id = s.company_id
                             WHERE s.chased_since = d.today GROUP BY 1, 2) t
                        ON t.company_id = w.company_id AND t.user_id = COALESCE(w.user_id, 0)
                     WHERE %s AND t.started >= p.daily_new_customers)""",
                days, self._waiting_sql("w"),
            )
        return SQL("(c.next_check_on IS NULL OR c.next_check_on <= d.today OR (%s AND %s))", self._waiting_sql(), room)

    @api.model
    def _files_to_check_sql(self):
        """FROM and WHERE of the files still to check today, each on its company's day (for the worker it runs in:
        see `_due_today_sql`)."""
        days = self._company_days()
        return SQL(
            "collection_customer c JOIN %s ON d.company_id = c.company_id "
            "WHERE (c.checked_on IS NULL OR (c.checked_on < d.today AND (c.open_count > 0 OR c.stage_id IS NOT NULL) "
            "AND %s)) "
            # a file that failed today waits for the next day, or for a recheck: never retried call after call
            "AND (c.escalation_failed_on IS NULL OR c.escalation_failed_on < d.today)",
            days, self._due_today_sql(days),
        )

    @api.model
    def _quiet_files_sql(self):
        """FROM and WHERE of the files checked on an earlier day that are not due today."""
        days = self._company_days()
        return SQL(
            "collection_customer c JOIN %s ON d.company_id = c.company_id "
            "WHERE c.checked_on < d.today AND (c.open_count > 0 OR c.stage_id IS NOT NULL) AND NOT %s",
            days, self._due_today_sql(days),
        )

    @api.model
    def _lock_files_to_check(self, limit):
        """Lock the next batch of files to check that no other run holds (collection.batch.runner's claim)."""
        return self.env["collection.batch.runner"]._claim(
            "collection.customer", SQL("id IN (SELECT c.id FROM %s)", self._files_to_check_sql()), limit)

    @api.model
    def _count_files_to_check(self):
        self.env.cr.execute(SQL("SELECT count(*) FROM %s", self._files_to_check_sql()))
        return self.env.cr.fetchone()[0]

    @api.model
    def _lock_for_manual_run(self, files):
        """A user's "escalate now" must not wait behind (or duplicate) a run working on the same customers."""
        # SKIP LOCKED rather than NOWAIT: a busy row is simply not returned, no error is raised and logged.
        self.env.cr.execute(SQL(
            "SELECT id FROM collection_customer WHERE id IN %s FOR UPDATE SKIP LOCKED", tuple(files.ids),
        ))
        if self.env.cr.rowcount < len(files):
            raise UserError(self.env._(
                "The escalation is working on these customers right now. Try again in a minute."
            ))

    # === ONE BATCH OF ONE COMPANY === #
    @api.model
    def _escalate_company(self, files, trigger, today):
        """One batch of one company, on plain rows: a few set-based reads, pure rules, one write per table.

        Each step is a hook that reads and fills one dict, `batch` (as account.move.send's `invoices_data`): a
        bridge module adds a column or a side effect by extending a step (super(), then its own part), never
        this sequence."""
        batch = self._escalation_read(files, trigger, today)
        self._escalation_classify(batch)
        self._escalation_plan_actions(batch)
        self._escalation_schedule_checks(batch)
        self._escalation_write(batch)
        self._escalation_side_effects(batch)

    @api.model
    def _escalation_file_columns(self):
        """The columns of collection.customer the escalation keeps right (read, compared, rewritten)."""
        return FILE_ENGINE_COLUMNS

    @api.model
    def _escalation_move_columns(self):
        """The columns of account.move the escalation keeps right on each invoice."""
        return MOVE_ENGINE_COLUMNS

    @api.model
    def _escalation_read(self, files, trigger, today):
        """Everything the batch is decided on, read set-based: the file rows, their policies' rules, invoices,
        pauses, credits and soft collection. Returns the batch dict the next steps fill."""
        company = self.env.company
        policy_model = self.env["collection.policy"]
        file_rows = self._fetch_files(files)
        partner_ids = tuple(file["partner_id"] for file in file_rows)
        policy_of = policy_model._policy_ids_for_partners(partner_ids, company)
        rules_by_policy = policy_model.browse(set(policy_of.values()))._engine_rules()

        invoices = self._fetch_invoices(company, partner_ids)
        pause_model = self.env["collection.pause"]
        pause_model._close_expired(company, partner_ids, today, invoices, policy_of)
        pauses = pause_model._fetch_active(company, partner_ids, today)
        pause_days = pause_model._next_change_days(company, partner_ids, today)
        credits, last_payment = self._fetch_credits(company, partner_ids)
        soft = self._fetch_soft_collection(company, file_rows, last_payment)

        invoices_by_partner = defaultdict(list)
        for inv in invoices:
            invoices_by_partner[inv["partner_id"]].append(inv)
        pauses_by_partner = defaultdict(dict)
        for (partner_id, move_id), pause in pauses.items():
            pauses_by_partner[partner_id][move_id] = Pause(pause["id"], pause["reason"])
        return {
            "company": company, "trigger": trigger, "today": today, "files": file_rows, "policy_of": policy_of,
            "rules_by_policy": rules_by_policy, "invoices_by_partner": invoices_by_partner,
            "pauses_by_partner": pauses_by_partner, "pause_days": pause_days, "credits": credits, "soft": soft,
        }

    @api.model
    def _escalation_classify(self, batch):
        """Where each invoice and file stands (tools/classification): sets each file's new values on
        `file["_values"]` and fills the batch's invoice rows to write, history rows, stage changes, the files
        being chased (file, rules, result) and the customers given a collector as they enter collection
        ({file id: collector id})."""
        company, today = batch["company"], batch["today"]
        policy_of, rules_by_policy, credits = batch["policy_of"], batch["rules_by_policy"], batch["credits"]
        move_columns = self._escalation_move_columns()
        history = self.env["collection.history"]
        move_rows, history_rows, stage_changes, chased = [], [], [], []
        notes = {}
        classified, assigned_to = [], {}
        for file in batch["files"]:
            partner_id = file["partner_id"]
            rules = rules_by_policy[policy_of[partner_id]]
            broken, actions_done, first_day = batch["soft"].get(partner_id, (0, 0, None))
            chasing_days = (today - first_day).days if first_day else 0
            failed = soft_collection_failed(broken, actions_done, rules.legal_min_actions,
                                            chasing_days=chasing_days, min_days=rules.legal_min_days)
            # a date rather than days to go: the note on every invoice of the customer is not rewritten daily
            lacks = soft_collection_lacks(actions_done, rules.legal_min_actions, chasing_since=first_day,
                                          today=today, min_days=rules.legal_min_days)
            rows = batch["invoices_by_partner"][partner_id]
            result = classify_customer(
                [InvoiceRow(inv["id"], inv["due"], inv["residual"], is_open=inv["is_open"],
                            paid=inv["payment_state"] in ("paid", "in_payment"), stage_id=inv["collection_stage_id"],
                            locked=inv["locked"]) for inv in rows],
                rules.ladder, today=today, soft_collection_failed=failed, credit=credits.get(partner_id, 0.0),
                minimum_amount=rules.minimum_amount, pauses=batch["pauses_by_partner"].get(partner_id),
                rounding=company.currency_id.rounding,
            )
            # held back by soft collection: it may complete on a day already known
            file["_soft_until"] = lacks[2] if result.blocked else None
            classified.append((file, rules, result, lacks, rows))
        collectors = self._collectors_of_new_customers(
            [(file, result) for file, _rules, result, _lacks, _rows in classified])
        for file, rules, result, lacks, rows in classified:
            partner_id = file["partner_id"]
            assigned = file["id"] in collectors
            collector_id = collectors.get(file["id"]) or file["user_id"] or rules.collector_id
            if assigned and collector_id:
                assigned_to[file["id"]] = collector_id
            for inv, target in zip(rows, result.invoices, strict=True):
                note = target.blocked and self._stage_note(notes, target.blocked, lacks)
                values = {
                    "collection_customer_id": file["id"], "collection_user_id": collector_id,
                    "collection_stage_id": target.stage_id, "collection_bucket": target.bucket,
                    "collection_pause_id": target.pause_id, "collection_pause_reason": target.pause_reason,
                    "collection_not_chased_reason": target.reason, "collection_stage_note": note or None,
                }
                stage_changed = target.stage_id != inv["collection_stage_id"]
                values["collection_stage_date"] = today if stage_changed else inv["collection_stage_date"]
                if any(values[col] != inv[col] for col in move_columns):
                    move_rows.append({"id": inv["id"], **values})
                # An invoice the escalation has not seen before (not linked to its file yet, no stage set by hand)
                # starts in the stage it is found in: the stage and its date are on the invoice, the customer's
                # row and note say when. Its history begins with its first change, so that going live on a ledger
                # logs a row per customer, not one per invoice, and the stage success counts invoices that
                # entered a stage, not the ledger found at going live.
                if stage_changed and (inv["collection_customer_id"] or inv["collection_stage_id"]):
                    history_rows.append(history._engine_row(
                        company, file, "stage", paid=target.invoice.paid, move_id=inv["id"],
                        stage_from_id=inv["collection_stage_id"], stage_to_id=target.stage_id,
                        days_overdue=target.days,
                    ))
            stage_id = result.stage_id
            if result.chased:
                chased.append((file, rules, result))
            # The episode lasts while something is overdue; it remembers how far the customer went.
            in_episode = bool(result.overdue_count)
            peak_stage_id = max(
                filter(None, (file["peak_stage_id"] if in_episode else None, stage_id)),
                key=lambda sid: rules.stage_rank.get(sid, (0, 0)), default=None,
            )
            file["_values"] = {
                "policy_id": rules.id, "user_id": collector_id, "stage_id": stage_id,
                "stage_date": today if stage_id != file["stage_id"] else file["stage_date"],
                "credit_hold": stage_id in rules.credit_hold_stage_ids, "days_overdue": result.days,
                "anchor_date": result.anchor, "overdue_amount": result.overdue_amount,
                "due_amount": result.due_amount, "credit_amount": credits.get(partner_id, 0.0),
                "claim_amount": result.claim_amount, "overdue_count": result.overdue_count,
                "open_count": result.open_count, "not_chased_reason": result.reason,
                "stage_note": result.blocked and self._stage_note(notes, result.blocked, lacks) or None,
                "next_action_id": None, "next_action_date": None,
                "chased_since": file["chased_since"] if in_episode else None,
                "peak_days": max(file["peak_days"] or 0, result.days) if in_episode else 0,
                "peak_stage_id": peak_stage_id, "work_assigned": file["work_assigned"] or assigned,
                "assigned_on": today if assigned else file["assigned_on"],
            }
            if stage_id != file["stage_id"]:
                history_rows.append(history._engine_row(
                    company, file, "stage", stage_from_id=file["stage_id"], stage_to_id=stage_id,
                    days_overdue=result.days,
                ))
                # people are told once per stage entry in an episode: only beyond the furthest stage reached
                beyond = bool(stage_id) and (not in_episode or not file["peak_stage_id"] or rules.stage_rank.get(
                    stage_id, (0, 0)) > rules.stage_rank.get(file["peak_stage_id"], (0, 0)))
                # A customer found in collection at its first check (none of its invoices linked to its file yet:
                # going live, or invoices imported overdue) starts in its stage, as its invoices do: its history
                # row records the entry; its chatter gets no note (20,000 notes nobody reads on a go-live night).
                noted = any(inv["collection_customer_id"] for inv in rows)
                stage_changes.append((file["id"], file["stage_id"], stage_id, beyond, noted))

        batch.update(move_rows=move_rows, history_rows=history_rows, stage_changes=stage_changes, chased=chased,
                     assigned=assigned_to)

    @api.model
    def _collectors_of_new_customers(self, classified):
        """{file id: collector id} of the customers entering collection that nobody was given yet, from
        [(file, result)]: their segment's team member with the lightest load (collection.customer._pick_collectors),
        else the collector they have. Decided before anything is written, so that their invoices carry that
        collector from the first night and the going-live cap counts against that collector's day. Every worker
        picks for its own files: each balances the load it sees, so that two workers share a go-live night."""
        claims = {file["id"]: result.claim_amount for file, result in classified
                  if not file["work_assigned"] and result.overdue_count > 0}
        if not claims:
            return {}
        return self.env["collection.customer"].browse(list(claims))._pick_collectors(claims)

    @api.model
    def _escalation_plan_actions(self, batch):
        """The calendar actions due today for the customers being chased (tools/calendar_actions.due_actions),
        with the customers never chased before started up to each collector's daily limit (tools/going_live).

        Sets the next action and the episode start on each file's new values; the history rows to carry out go
        to `batch["planned"]`."""
        company, chased, today = batch["company"], batch["chased"], batch["today"]
        working_day = company._collection_working_days(today, today)[company.id].is_working(today)
        episodes = self._fetch_episodes(company, [file for file, _rules, _result in chased], today)
        calendars = {}
        due_by_file, new_customers, waiting_day_off = {}, [], []
        for file, rules, result in chased:
            if rules.id not in calendars:
                letters = {action_id: rank for rank, action_id in enumerate(rules.letter_ids)}
                calendars[rules.id] = sorted(
                    (CalendarAction(action_id, window, letter=action_id in letters)
                     for action_id, window, _review in rules.windows),
                    key=lambda action, letters=letters: letters.get(action.id, -1),
                )
            episode = Episode(file["chased_since"], episodes.get(file["id"], {}), file["_values"]["peak_days"])
            due = due_actions(calendars[rules.id], days=result.days, anchor=result.anchor, today=today,
                              working_day=True, episode=episode, letter_spacing=rules.letter_spacing_days)
            if not working_day:   # nothing is done on a day off: what would be waits for a working day
                waiting_day_off.extend((file, result, action) for action in due)
                due = []
            due_by_file[file["id"]] = due
            file["_next_letter"] = next_letter_day(calendars[rules.id], anchor=result.anchor, episode=episode,
                                                   letter_spacing=rules.letter_spacing_days)
            if not file["chased_since"] and any(action.overdue for action in due):
                new_customers.append(NewCustomer(file["id"], file["_values"]["user_id"], rules.daily_new_customers,
                                                 result.claim_amount, result.days))
        # a capped customer is started by the worker counting the caps (the others leave it waiting)
        startable = [customer for customer in new_customers
                     if not (customer.cap and self.env.context.get(LIMITS_ELSEWHERE))]
        started = start_today(startable, self._count_started_today(company, today)) if startable else set()
        waiting = {customer.key for customer in new_customers} - started

        planned = []
        history = self.env["collection.history"]
        for file, rules, result in chased:
            values = file["_values"]
            due = due_by_file[file["id"]]
            review = {action_id: review for action_id, _window, review in rules.windows}
            if file["id"] in waiting:
                # Going live: this customer's chasing starts on a later day, when its collector has room (the
                # run looks at it on the days its collector has room: see `_due_today_sql`).
                file["_waiting"] = True
                waiting_action = next(action for action in due if action.overdue)
                values.update(next_action_id=waiting_action.action_id, next_action_date=today + timedelta(days=1))
                due = [action for action in due if not action.overdue]
            else:
                values["next_action_id"], values["next_action_date"] = self._next_action(
                    rules, result.days, result.anchor)
            if values["chased_since"] is None and result.overdue_count and any(action.overdue for action in due):
                values["chased_since"] = today
            for action in due:
                planned.append(history._engine_row(
                    company, file, "action", action_id=action.action_id, days_overdue=result.days,
                    dedup_key=dedup_key(file["partner_id"], company.id, action.action_id, action.key_day, action.slot),
                    state="to_review" if review[action.action_id] else "done",
                ))
        # an action is due on every working day of its period (a run that missed one catches up) and carried out
        # once: those carried out before are not planned again; the others make the file acted on today
        planned = history._not_done(planned or [
            {"customer_id": file["id"], "dedup_key": dedup_key(
                file["partner_id"], company.id, action.action_id, action.key_day, action.slot)}
            for file, _result, action in waiting_day_off
        ])
        acting = {row["customer_id"] for row in planned}
        for file, _rules, _result in chased:
            file["_acts"] = file["id"] in acting
        batch["planned"] = planned if working_day else []

    @api.model
    def _escalation_schedule_checks(self, batch):
        """The day each file is next looked at in full (tools/next_check): its invoices' next bucket or stage,
        its next calendar action and letter, its pauses, the day soft collection completes, the month's interest;
        tomorrow when actions were carried out (they count for soft collection and the episode) or wait for the
        next working day. A waiting customer's first action is not such a day (the run takes it when its
        collector has room), but a window of its calendar opening or closing is: its first action may change."""
        today = batch["today"]
        next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        for file in batch["files"]:
            values, partner_id = file["_values"], file["partner_id"]
            rules = batch["rules_by_policy"][batch["policy_of"][partner_id]]
            if file.get("_waiting"):
                edge = next((day for day in rules.window_edges if day > values["days_overdue"]), None)
                calendar_days = (None if edge is None else values["anchor_date"] + timedelta(days=edge),)
            else:
                calendar_days = (values["next_action_date"], file.get("_next_letter"))
            values["next_check_on"] = next_check_day(
                today, [inv["due"] for inv in batch["invoices_by_partner"][partner_id] if inv["is_open"]],
                rules.thresholds,
                other_days=(
                    *calendar_days, file["_soft_until"], batch["pause_days"].get(partner_id),
                    next_month if values["stage_id"] and rules.interest_monthly else None,
                ),
                tomorrow_anyway=file.get("_acts", False),
            )

    @api.model
    def _escalation_write(self, batch):
        """The batch's one write per table: the invoices and files that changed, the day every file was done
        (which clears an error of an earlier run), the history rows."""
        file_columns = self._escalation_file_columns()
        # every file of the batch is done for today, past failures behind it: in the same UPDATE as its new
        # values when it changed (a row written once, not twice), alone otherwise
        done = {"checked_on": batch["today"], "escalation_error": None, "escalation_failed_on": None}
        changed, unchanged = [], []
        for file in batch["files"]:
            values = file["_values"]
            if any(values[col] != file[col] for col in file_columns):
                changed.append({"id": file["id"], **values, **done})
            else:
                unchanged.append({"id": file["id"], **done})

        self._write_rows("account.move", batch["move_rows"])
        self._write_rows("collection.customer", changed)
        self._write_rows("collection.customer", unchanged)
        self.env["collection.history"]._log_rows(batch["history_rows"])

    @api.model
    def _escalation_side_effects(self, batch):
        """What follows the write: stage changes told, calendar actions carried out, interest invoiced. A bridge
        module adds its own side effect here (super(), then its step on `batch`)."""
        history = self.env["collection.history"]
        self.env["collection.customer"]._subscribe_collectors(batch["assigned"])
        history._log_stage_changes(batch["stage_changes"], batch["trigger"])
        history._carry_out_actions(batch["planned"], batch["today"])
        self.env["collection.interest.invoice"]._invoice_monthly(batch["chased"], batch["today"])

    @api.model
    def _escalation_file_error(self, file, exc):
        """A file the scheduled run could not escalate (its work rolled back): the error and the day are kept on
        it until it is next escalated; the run leaves it until the next day, or until a change or *Run
        Escalation Now* queues it again (see `_files_to_check_sql`)."""
        file.sudo().write({
            "escalation_error": self.env["collection.batch.runner"]._error_text(exc),
            "escalation_failed_on": self._today(file.company_id),
            "next_check_on": False,   # looked at in full the next day
        })

    # === READERS: plain rows, one query per batch each === #
    @api.model
    def _fetch_files(self, files):
        """The files as rows: their customer and what the escalation last wrote on them."""
        self.env.cr.execute(SQL(
            "SELECT id, partner_id, %s FROM collection_customer WHERE id IN %s ORDER BY id",
            SQL(", ").join(SQL.identifier(col) for col in self._escalation_file_columns()), tuple(files.ids),
        ))
        return self.env.cr.dictfetchall()

    @api.model
    def _fetch_invoices(self, company, partner_ids):
        """The customers' invoices in collection, and those that were and have just left it (paid, cancelled)."""
        self.env.cr.execute(SQL(
            """
            SELECT m.id, m.commercial_partner_id AS partner_id, m.invoice_date_due AS due,
                   m.amount_residual_signed AS residual, m.collection_stage_locked AS locked, %(open)s AS is_open,
                   m.payment_state, %(engine_columns)s
              FROM account_move m
             WHERE m.company_id = %(company)s AND m.commercial_partner_id IN %(partners)s
               AND m.move_type = 'out_invoice'
               AND (%(open)s OR m.collection_bucket IS NOT NULL)
             ORDER BY m.invoice_date_due, m.id
            """,
            open=self.env["account.move"]._collection_open_sql("m"), company=company.id, partners=partner_ids,
            engine_columns=SQL(", ").join(SQL("m.%s", SQL.identifier(col)) for col in self._escalation_move_columns()),
        ))
        return self.env.cr.dictfetchall()

    @api.model
    def _fetch_credits(self, company, partner_ids):
        """Unapplied credits (open credit notes, unreconciled payments) and last payment date per customer."""
        self.env.cr.execute(SQL(
            """
            SELECT p.commercial_partner_id,
                   -SUM(l.amount_residual) FILTER (WHERE l.amount_residual < 0 AND NOT l.reconciled),
                   MAX(l.date) FILTER (WHERE l.credit > 0)
              FROM account_move_line l
              JOIN res_partner p ON p.id = l.partner_id
              JOIN account_account a ON a.id = l.account_id
             WHERE l.company_id = %s AND l.parent_state = 'posted' AND a.account_type = 'asset_receivable'
               AND l.credit > 0
               -- through the partner index of the lines, not a scan of the whole ledger
               AND l.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id IN %s)
             GROUP BY p.commercial_partner_id
            """,
            company.id, partner_ids,
        ))
        credits, last_payment = {}, {}
        for partner_id, credit, last in self.env.cr.fetchall():
            credits[partner_id] = credit or 0.0
            last_payment[partner_id] = last
        return credits, last_payment

    @api.model
    def _fetch_soft_collection(self, company, file_rows, last_payment):
        """{partner_id: (broken promises, chasing carried out, first day of that chasing)} since each customer's
        last payment, counted in SQL (the history grows every day; the rows it returns do not).

        Chasing carried out is: emails and SMS sent by the calendar, letters sent or delivered, outbound contacts
        logged, activities marked done on the customer file (calls, visits: an activity only scheduled never
        counts) and messages and notes a user logged on it; a broken promise or payment plan is a failure.
        A payment's accounting date is compared with the day of each of them on the
        company's clock, never with a UTC timestamp's date."""
        paid = [(partner_id, day) for partner_id, day in last_payment.items() if day]
        self.env.cr.execute(SQL(
            """
            WITH chasing AS (%(chasing)s)
            SELECT ch.partner_id, count(*) FILTER (WHERE ch.broken), count(*) FILTER (WHERE NOT ch.broken),
                   min(ch.day) FILTER (WHERE NOT ch.broken)
              FROM chasing ch
              LEFT JOIN unnest(%(paid_partners)s::int[], %(paid_days)s::date[]) AS paid(partner_id, day)
                     ON paid.partner_id = ch.partner_id
             WHERE paid.day IS NULL OR ch.day > paid.day
             GROUP BY ch.partner_id
            """,
            chasing=self._chasing_steps_sql(company, [(file["id"], file["partner_id"]) for file in file_rows]),
            paid_partners=[p for p, _d in paid], paid_days=[d for _p, d in paid],
        ))
        return {partner_id: (broken, actions, first) for partner_id, broken, actions, first in self.env.cr.fetchall()}

    @api.model
    def _chasing_steps_sql(self, company, files):
        """SQL rows (partner_id, day, broken) of the chasing steps of the customers of [(file id, partner id)]
        (see `_fetch_soft_collection`), each on its day on the company's clock."""
        xmlid_to_id = self.env["ir.model.data"]._xmlid_to_res_id   # cached, unlike env.ref's check that it exists
        return SQL(
            """
                SELECT h.partner_id, %(history_day)s AS day,
                       h.event IN ('promise_broken', 'plan_broken') AS broken
                  FROM collection_history h
                  LEFT JOIN collection_action a ON a.id = h.action_id
                 WHERE h.company_id = %(company)s AND h.partner_id IN %(partners)s
                   AND (h.event IN ('promise_broken', 'plan_broken')
                        OR (h.event = 'contact' AND h.state = 'done')
                        OR (h.event = 'action' AND h.state = 'done' AND a.action_type IN ('email', 'sms')))
                UNION ALL
                SELECT l.partner_id, l.sent_date, FALSE
                  FROM collection_letter l
                 WHERE l.company_id = %(company)s AND l.partner_id IN %(partners)s
                   AND l.state IN ('sent', 'delivered') AND l.sent_date IS NOT NULL
                UNION ALL
                SELECT c.partner_id, %(message_day)s, FALSE
                  FROM mail_message m
                  JOIN collection_customer c ON c.id = m.res_id
                 WHERE m.model = 'collection.customer' AND m.res_id IN %(files)s
                   AND ((m.mail_activity_type_id IS NOT NULL AND m.mail_activity_type_id != %(legal_review)s)
                        OR (m.message_type = 'comment' AND m.author_id != %(bot)s))
            """,
            history_day=self._company_date_sql(company, SQL("h.date")),
            message_day=self._company_date_sql(company, SQL("m.date")), company=company.id,
            partners=tuple(partner_id for _file_id, partner_id in files),
            files=tuple(file_id for file_id, _partner_id in files),
            legal_review=xmlid_to_id("account_collection_litigation.mail_activity_type_legal_review"),
            bot=xmlid_to_id("base.partner_root"),
        )

    @api.model
    def _fetch_episodes(self, company, file_rows, today):
        """{file_id: {action_id: last day carried out}} of the calendar actions of each customer's current
        episode (since `chased_since`), and of today's."""
        if not file_rows:
            return {}
        tz = zone_name(company.partner_id.tz)
        self.env.cr.execute(SQL(
            """
            SELECT h.customer_id, h.action_id, max(%(history_day)s)
              FROM collection_history h
              JOIN collection_customer c ON c.id = h.customer_id
             WHERE h.customer_id IN %(files)s AND h.event = 'action' AND h.action_id IS NOT NULL
               -- from local midnight of the episode's first day (or today's), as a UTC timestamp
               AND h.date >= (LEAST(c.chased_since, %(today)s)::timestamp AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC'
             GROUP BY h.customer_id, h.action_id
            """,
            tz=tz, today=today, files=tuple(file["id"] for file in file_rows),
            history_day=self._company_date_sql(company, SQL("h.date")),
        ))
        episodes = defaultdict(dict)
        for file_id, action_id, day in self.env.cr.fetchall():
            episodes[file_id][action_id] = day
        return episodes

    @api.model
    def _count_started_today(self, company, today):
        """{collector id: customers whose chasing started today}, over every run of the day."""
        self.env.cr.execute(SQL(
            "SELECT user_id, count(*) FROM collection_customer WHERE company_id = %s AND chased_since = %s "
            "GROUP BY user_id",
            company.id, today,
        ))
        return dict(self.env.cr.fetchall())

    # === DECISIONS IN WORDS === #
    @api.model
    def _stage_note(self, notes, blocked, lacks):
        """Why an invoice or customer stays one stage back: the stage it reaches by days, and what soft
        collection still lacks, (actions, days, or the day chasing ends once begun) (memoised in `notes`: a few
        sentences serve a whole batch)."""
        key = (blocked.id, lacks)
        if key not in notes:
            stage = self.env["collection.stage"].browse(blocked.id)
            actions, days, until = lacks
            until = until and format_date(self.env, until)
            if actions and until:
                what = self.env._(
                    "%(actions)s more chasing actions and chasing without a payment until %(date)s, or a broken "
                    "promise or payment plan", actions=actions, date=until,
                )
            elif actions and days:
                what = self.env._(
                    "%(actions)s more chasing actions and %(days)s more days of chasing without a payment, or a "
                    "broken promise or payment plan", actions=actions, days=days,
                )
            elif actions:
                what = self.env._(
                    "%(actions)s more chasing actions without a payment, or a broken promise or payment plan",
                    actions=actions,
                )
            elif until:
                what = self.env._(
                    "chasing without a payment until %(date)s, or a broken promise or payment plan", date=until,
                )
            elif days:
                what = self.env._(
                    "%(days)s more days of chasing without a payment, or a broken promise or payment plan",
                    days=days,
                )
            else:
                what = self.env._("a broken promise or payment plan")
            notes[key] = self.env._(
                "Meets the days of %(stage)s, which is entered only after soft collection failed: it still needs "
                "%(what)s.", stage=stage.name, what=what,
            )
        return notes[key]

    @api.model
    def _next_action(self, rules, days, anchor):
        """The calendar action whose next period starts first, and that day."""
        best = None
        for action_id, window, _review in rules.windows:
            day = next_slot_day(days, window)
            if day is not None and (best is None or day < best[0]):
                best = (day, action_id)
        if not best:
            return None, None
        return best[1], anchor + timedelta(days=best[0])

    # === THE ONE SQL WRITER === #
    @api.model
    def _write_rows(self, model_name, rows, create=False, skip_existing=None):
        """Write many rows of a model in one statement; each row is a dict of column values, every row names the
        same columns.

        Without `create`, each row also names the "id" it updates (one UPDATE ... FROM json_to_recordset). With
        `create`, the rows are inserted (one INSERT ... SELECT FROM json_to_recordset) and their ids returned in
        order; with `skip_existing`, the name of a unique column, rows whose value exists already are skipped and
        {value: id} of the inserted ones is returned. The bulk path of the escalation and of the letters' frozen
        lines only: what a user edits goes through the ORM."""
        if not rows:
            return {} if skip_existing else []
        model = self.env[model_name]
        columns = [col for col in rows[0] if col != "id"]
        if any(row.keys() != rows[0].keys() for row in rows):
            raise ValueError(f"rows written to {model_name} name different columns")
        # The rows go out as one JSON parameter read by json_to_recordset: quoting every value of a go-live batch
        # as SQL literals cost more Python than the statement cost PostgreSQL.
        booleans = {col for col in columns if model._fields[col].type == "boolean"}
        data = json.dumps([
            # the ORM's False for an empty link or value is SQL's NULL; a boolean's False is false
            {col: None if value is False and col not in booleans else value for col, value in row.items()}
            for row in rows
        ], default=str)
        names = SQL(", ").join(SQL.identifier(col) for col in columns)
        record = SQL(", ").join(
            SQL("%s %s", SQL.identifier(col), SQL("int4" if col == "id" else model._fields[col].column_type[1]))
            for col in rows[0]
        )
        source = SQL(
            "ROWS FROM (json_to_recordset(%s::json) AS (%s)) WITH ORDINALITY AS v(%s, _row)",
            data, record, SQL(", ").join(SQL.identifier(col) for col in rows[0]),
        )
        if create:
            self.env.cr.execute(SQL(
                """
                INSERT INTO %(table)s (create_uid, write_uid, create_date, write_date, %(names)s)
                SELECT %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC', %(values)s
                  FROM %(source)s ORDER BY v._row
                %(conflict)s
                RETURNING id%(key)s
                """,
                table=SQL.identifier(model._table), names=names, uid=self.env.uid, source=source,
                values=SQL(", ").join(SQL("v.%s", SQL.identifier(col)) for col in columns),
                conflict=SQL("ON CONFLICT (%s) DO NOTHING", SQL.identifier(skip_existing)) if skip_existing else SQL(),
                key=SQL(", %s", SQL.identifier(skip_existing)) if skip_existing else SQL(),
            ))
            result = self.env.cr.fetchall()
            result = {key: rid for rid, key in result} if skip_existing else [rid for (rid,) in result]
        else:
            self.env.cr.execute(SQL(
                "UPDATE %(table)s t SET %(sets)s, write_date = now() at time zone 'UTC', write_uid = %(uid)s "
                "FROM %(source)s WHERE t.id = v.id",
                table=SQL.identifier(model._table), uid=self.env.uid, source=source,
                sets=SQL(", ").join(SQL("%s = v.%s", SQL.identifier(col), SQL.identifier(col)) for col in columns),
            ))
            result = None
        # The rows changed behind the ORM's back: what it cached of them, and of the lists they belong to, is stale.
        model.invalidate_model(columns)
        for col in columns:
            field = model._fields[col]
            if field.type == "many2one":
                comodel = self.env[field.comodel_name]
                inverses = [f.name for f in comodel._fields.values()
                            if f.type == "one2many" and f.comodel_name == model_name and f.inverse_name == col]
                if inverses:
                    comodel.invalidate_model(inverses)
        return result
