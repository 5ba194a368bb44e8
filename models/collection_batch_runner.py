import logging
from collections import namedtuple

from markupsafe import Markup
from psycopg2 import OperationalError
from psycopg2.errors import SerializationFailure

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "account_collection_litigation.group_collection_manager"
# Errors shown to the managers in their one notice of a run; the rest are on each record's chatter.
NOTICE_LIMIT = 20

BatchResult = namedtuple("BatchResult", "results failed")
# What a worker slot claimed, and whether candidates were left out because another worker had just taken them.
Claim = namedtuple("Claim", "records contended")


class CollectionBatchRunner(models.AbstractModel):
    """How every scheduled action of the addon runs its work, so that one bad record never stops the others.

    The pattern of account.move._autopost_draft_entries: the whole batch in a savepoint; when it fails, each item
    alone in a savepoint of its own. An item that fails is skipped: its error is logged, posted on the chatter of
    its record (when it has one), handed to the caller's `on_error`, and the collection managers are told once a
    day per scheduled action. Errors of the transaction itself (a lock timeout, a serialization failure) are no
    record's fault: they stop the call, and the cron runner retries it."""

    _name = "collection.batch.runner"
    _description = "Collection Batch Runner"

    @api.model
    def _run(self, items, process, cron_xmlid, on_error=None, thread_of=None):
        """Run `process(items)`, falling back to `process(items[i:i + 1])` one by one when the batch fails.

        `items` is a recordset or a list (of rows, dicts); `process` does the work set-based on any slice of
        them. `on_error(item, exc)` marks a failed item (called after its work was rolled back); `thread_of(item)`
        gives the record whose chatter gets the error (by default the item itself when it has a chatter).
        Returns BatchResult(results: what `process` returned for the work kept, failed: the failed items, of
        the same type as `items`)."""
        is_records = isinstance(items, models.BaseModel)
        if not items:
            return BatchResult([], items.browse() if is_records else [])
        if len(items) > 1:
            try:
                with self.env.cr.savepoint():
                    return BatchResult([process(items)], items.browse() if is_records else [])
            except OperationalError:
                raise
            except Exception:   # noqa: BLE001 - whatever a record's data raises must not stop the others
                _logger.info("%s: a batch of %s failed, processing them one by one", cron_xmlid, len(items))
        results, failed, errors = [], [], []
        for index in range(len(items)):
            item = items[index:index + 1]
            try:
                with self.env.cr.savepoint():
                    results.append(process(item))
            except OperationalError:
                raise
            except Exception as exc:   # noqa: BLE001
                failed.append(item if is_records else item[0])
                errors.append(self._record_failure(item if is_records else item[0], exc, cron_xmlid, on_error,
                                                   thread_of))
        if failed:
            self._tell_managers(cron_xmlid, errors)
        return BatchResult(results, items.browse().union(*failed) if is_records else failed)

    @api.model
    def _claim(self, model_name, where, limit, order="id"):
        """Up to `limit` records of `model_name` whose row matches `where` (an SQL condition on its table) and that
        no other worker holds. They stay locked until this transaction ends, so several cron workers sharing one
        job (one ir.cron per worker slot, same code) never take the same work twice, and a crashed worker's
        claim is released with its transaction.

        Returns a Claim. Rows another worker changed and committed after this transaction began cannot be locked
        under REPEATABLE READ (a serialization failure): then nothing is claimed and the claim says it was
        `contended`; the caller asks to be called again, and its next call, in a fresh snapshot, claims what is
        left as it is now. (Locking the candidates one by one instead, to leave those rows out, took three
        queries each: 6,000 for a worklist batch, on every call that met the other worker's commit.)"""
        model = self.env[model_name]
        model.flush_model()
        candidates = SQL("SELECT id FROM %s WHERE %s ORDER BY %s LIMIT %s FOR UPDATE SKIP LOCKED",
                         SQL.identifier(model._table), where, SQL(order), limit)
        ids = self._execute_unless_done_concurrently(candidates)
        return Claim(model.browse(ids or ()), ids is None)

    @api.model
    def _notify_claim_progress(self, claim, done, remaining):
        """Report the progress of a call that claimed its work (`_claim`); returns the work reported done. A
        contended claim that took nothing counts as work done while work remains: a call that reports nothing
        done ends the worker's job, and would leave the rest of the day to the other workers."""
        done = done or int(claim.contended and remaining > 0)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _execute_unless_done_concurrently(self, query):
        """Run a query in a savepoint and return the first column of its rows, or None when it met rows that a
        concurrent run changed and committed after this transaction began (REPEATABLE READ): the savepoint is
        rolled back, nothing is logged, and the caller goes on without them."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, log_exceptions=False)
                return [row[0] for row in self.env.cr.fetchall()] if self.env.cr.description else []
        except SerializationFailure:
            return None

    @api.model
    def _error_text(self, exc):
        """An error as a user reads it: the message of a UserError, the type and text of anything else."""
        if isinstance(exc, UserError):
            return exc.args[0]
        return f"{type(exc).__name__}: {exc}"

    @api.model
    def _record_failure(self, item, exc, cron_xmlid, on_error, thread_of):
        """Log, post and mark one failed item; returns (its name, the error) for the managers' notice."""
        error = self._error_text(exc)
        thread = thread_of(item) if thread_of else item
        if not (isinstance(thread, models.BaseModel) and len(thread) == 1 and hasattr(thread, "message_post")):
            thread = None
        named = thread or (item if isinstance(item, models.BaseModel) else None)
        label = named.sudo().display_name if named else str(item)
        _logger.warning("%s: %s skipped: %s", cron_xmlid, label, error, exc_info=not isinstance(exc, UserError))
        cron = self.env.ref(cron_xmlid, raise_if_not_found=False)
        try:
            with self.env.cr.savepoint():
                if on_error:
                    on_error(item, exc)
                if thread:
                    thread.sudo().message_post(body=self.env._(
                        "The scheduled action %(cron)s skipped this record: %(error)s. The rest of the run went "
                        "on; it is tried again with the next run.", cron=cron.sudo().name if cron else cron_xmlid,
                        error=error,
                    ))
        except OperationalError:
            raise
        except Exception:   # noqa: BLE001 - the error stays in the log and in the managers' notice
            _logger.warning("%s: could not record the failure of %r", cron_xmlid, item, exc_info=True)
        return label, error

    @api.model
    def _tell_managers(self, cron_xmlid, errors):
        """One notice to the collection managers per scheduled action and day, whatever the number of records
        or calls: the first failures of the day, each record carrying its own error on its chatter."""
        cron = self.env.ref(cron_xmlid, raise_if_not_found=False)
        if not cron:
            return
        cron = cron.sudo()
        today = self.env["collection.escalation"]._today(self.env.company)
        subject = self.env._("%(cron)s: records skipped on %(date)s", cron=cron.name, date=today)
        messages = self.env["mail.message"].sudo()
        if messages.search_count([("model", "=", "ir.cron"), ("res_id", "=", cron.id), ("subject", "=", subject),
                                  ("message_type", "=", "user_notification")], limit=1):
            return
        group = self.env.ref(MANAGER_GROUP).sudo()
        root = self.env.ref("base.user_root")
        managers = group.users.filtered(lambda user: user.active and not user.share and user != root)
        if not managers:
            return
        lines = Markup("").join(
            Markup("<li>%s</li>") % self.env._("%(record)s: %(error)s", record=label, error=error)
            for label, error in errors[:NOTICE_LIMIT]
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (self.env._(
            "%(cron)s skipped these records on error (%(count)s in its first failing call of the day); every "
            "other record was processed. Each skipped record carries its error on its chatter and is tried again "
            "with the next run: mend the cause, then run the action again.", count=len(errors), cron=cron.name,
        ), lines)
        self.env["mail.thread"].sudo().message_notify(
            model="ir.cron", res_id=cron.id, partner_ids=managers.partner_id.ids, subject=subject, body=body,
        )
