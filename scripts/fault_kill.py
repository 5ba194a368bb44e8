"""Kill a real worker with SIGKILL in the middle of the escalation, of a letter batch and of the letter render
job, rerun, and check that nothing was done twice or lost, while a user edits a customer file the run holds.

The Odoo suite runs in one transaction that is never committed, so a killed process cannot be tested there;
this script works on a database of its own, committed batch by batch like the cron runner does:

    /var/cache/account_collection_litigation/venv/bin/python scripts/fault_kill.py --template acl_demo

It copies the template database (one with the addon installed) to a scratch database, seeds overdue customers,
starts `odoo-bin shell` workers through `scripts/dev odoo`, kills one with `kill -9` after its first committed
batches, reruns to the end, checks the database with SQL, prints `N passed, N failed` and drops the scratch
database. Exit status 0 when every check passed.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parent.parent
CACHE = os.environ.get("ACL_CACHE_DIR", "/var/cache/account_collection_litigation")
FILESTORE = Path(CACHE) / "filestore" / "filestore"     # scripts/dev's --data-dir
PG = {"host": os.environ.get("PGHOST", f"{CACHE}/pg/run"), "port": int(os.environ.get("PGPORT", "54329")),
      "user": os.environ.get("PGUSER", "odoo")}

SEED = """
from datetime import timedelta
from odoo import Command, fields
today = fields.Date.context_today(env.user)
partners = env["res.partner"].create([{"name": f"Kill Test {i}", "is_company": True} for i in range({count})])
moves = env["account.move"].create([{
    "move_type": "out_invoice", "partner_id": p.id, "invoice_date": today - timedelta(days=days),
    "invoice_date_due": today - timedelta(days=days),
    "invoice_line_ids": [Command.create({"name": "Goods", "quantity": 1, "price_unit": 100.0 + i,
                                         "tax_ids": [Command.clear()]})],
} for i, p in enumerate(partners) for days in (5, 40)])
moves.action_post()
env["collection.escalation"]._sync_customer_files()
env.cr.commit()
print("SEEDED", len(partners))
"""
# A worker's loop, as the cron runner drives a job: one slice per call, each committed, until no work remains.
WORKER_LOOP = """
import time
while {call}:
    env.cr.commit()
    time.sleep({pause})
env.cr.commit()
print("WORKER DONE")
"""
ESCALATE = WORKER_LOOP.replace("{call}", 'env["collection.escalation"]._run_batch(batch_size=5)')
LETTERS = """
from odoo import fields
files = env["collection.customer"].search([("partner_id.name", "like", "Kill Test %")])
if not env["collection.letter.batch"].search([("kind", "=", "balance_confirmation")]):
    env["collection.letter.batch"].create({"name": "Kill test", "kind": "balance_confirmation",
        "date": fields.Date.context_today(env.user), "company_id": env.company.id,
        "customer_ids": [(6, 0, files.ids)]})
    env.cr.commit()
""" + WORKER_LOOP.replace("{call}", 'env["collection.letter.engine"]._cron_generate_letters(batch_size=5)')
# The render job's worker slot: renders the queued letters, a slice per committed call.
RENDER = WORKER_LOOP.replace("{call}", 'env["collection.letter.engine"]._cron_render_letters(batch_size=5)')
# As the web client saves a form: through the RPC layer's `retrying`, which replays the request on a
# serialization failure (the run updated the same row meanwhile) instead of showing an error.
USER_EDIT = """
from odoo.service.model import retrying
user = env.ref("base.user_admin")

def save():
    file = env["collection.customer"].search([("partner_id.name", "=", "Kill Test {index}")])
    file.with_user(user).write({{"user_id": user.id}})
    return file

file = retrying(save, env)
env.cr.commit()
print("EDITED", file.id)
"""
DUPLICATES = {
    "history row": "SELECT dedup_key FROM collection_history WHERE dedup_key IS NOT NULL "
                   "GROUP BY 1 HAVING count(*) > 1",
    "activity": "SELECT res_id FROM mail_activity WHERE res_model = 'collection.customer' "
                "GROUP BY res_id, activity_type_id, date_deadline, summary HAVING count(*) > 1",
    "letter": "SELECT customer_id FROM collection_letter WHERE state != 'cancelled' "
              "GROUP BY customer_id, kind, date HAVING count(*) > 1",
    "email": "SELECT msg.res_id FROM mail_mail mail JOIN mail_message msg ON msg.id = mail.mail_message_id "
             "WHERE msg.model = 'collection.customer' GROUP BY msg.res_id, msg.subject HAVING count(*) > 1",
    "journal entry": "SELECT ref FROM account_move WHERE ref LIKE 'Write-off %%' GROUP BY ref HAVING count(*) > 1",
    "letter document": "SELECT res_id FROM ir_attachment WHERE res_model = 'collection.letter' "
                       "AND res_field = 'document_file' GROUP BY res_id HAVING count(*) > 1",
}


def query(db, sql):
    with psycopg2.connect(dbname=db, **PG) as conn, conn.cursor() as cr:
        cr.execute(sql)
        return cr.fetchall()


def admin(sql):
    """A statement that cannot run in a transaction (CREATE/DROP DATABASE)."""
    conn = psycopg2.connect(dbname="postgres", **PG)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(sql)
    finally:
        conn.close()


def shell(db, code, background=False):
    """`odoo-bin shell` on `db` running `code`, in a process group of its own (so that kill -9 reaches the
    Python process, not only the bash wrapper)."""
    cmd = [str(REPO / "scripts" / "dev"), "odoo", "shell", "-d", db, "--no-http", "--log-level=warn"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    proc.stdin.write(code)
    proc.stdin.close()
    if background:
        return proc
    output = proc.stdout.read()
    if proc.wait() != 0:
        raise RuntimeError(f"odoo shell failed:\n{output[-3000:]}")
    return output


def kill_when(db, proc, done_sql, at_least, timeout=600):
    """SIGKILL the worker's process group once `done_sql` counts `at_least` committed results."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the worker ended before it could be killed:\n{proc.stdout.read()[-3000:]}")
        if query(db, done_sql)[0][0] >= at_least:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return query(db, done_sql)[0][0]
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("the worker did not start in time")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--template", required=True, help="a database with the addon installed")
    parser.add_argument("--db", default=f"acl_fault_{os.getpid()}", help="the scratch database (dropped after)")
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    admin(f"CREATE DATABASE \"{args.db}\" TEMPLATE \"{args.template}\"")
    if (FILESTORE / args.template).is_dir():      # the letter templates are files: copy them with the database
        shutil.copytree(FILESTORE / args.template, FILESTORE / args.db, dirs_exist_ok=True)
    results = []

    def check(label, ok, detail=""):
        results.append(ok)
        sys.stdout.write(f"{'PASS' if ok else 'FAIL'}: {label}{f' ({detail})' if detail else ''}\n")
        sys.stdout.flush()

    try:
        shell(args.db, SEED.replace("{count}", str(args.customers)))
        ours = "SELECT count(*) FROM collection_customer c JOIN res_partner p ON p.id = c.partner_id " \
               "WHERE p.name LIKE 'Kill Test %%'"
        checked = f"{ours} AND c.checked_on IS NOT NULL"
        total = query(args.db, ours)[0][0]

        # 1. escalation: kill -9 after a few committed batches, a user edits a file meanwhile, rerun
        worker = shell(args.db, ESCALATE.replace("{pause}", "0.5"), background=True)
        killed_at = kill_when(args.db, worker, checked, 10)
        check("escalation killed mid-run", 0 < killed_at < total, f"{killed_at} of {total} files done")
        rerun = shell(args.db, ESCALATE.replace("{pause}", "0.3"), background=True)
        edit = shell(args.db, USER_EDIT.format(index=args.customers - 1))
        check("a user edits a file the run holds, without an error", "EDITED" in edit)
        check("rerun finishes", "WORKER DONE" in rerun.stdout.read() and rerun.wait() == 0)
        check("every file escalated once", query(args.db, checked)[0][0] == total)
        admin_kept = query(args.db, f"{ours} AND c.user_id = (SELECT res_id FROM ir_model_data "
                                    "WHERE module = 'base' AND name = 'user_admin')")[0][0]
        check("the user's edit is not lost", admin_kept >= 1)

        def kill_and_rerun(job, done_sql, name, unit):
            """kill -9 the job's worker after 5 committed results, rerun it to the end; what it counts then."""
            worker = shell(args.db, job.replace("{pause}", "0.5"), background=True)
            killed_at = kill_when(args.db, worker, done_sql, 5)
            check(f"{name} killed mid-run", 0 < killed_at < total, f"{killed_at} of {total} {unit}")
            output = shell(args.db, job.replace("{pause}", "0"))
            check(f"{name} rerun finishes", "WORKER DONE" in output)
            return query(args.db, done_sql)[0][0]

        # 2. letter batch: kill -9 after a few letters, rerun
        letters = "SELECT count(*) FROM collection_letter l JOIN res_partner p ON p.id = l.partner_id " \
                  "WHERE l.kind = 'balance_confirmation' AND p.name LIKE 'Kill Test %%'"
        made = kill_and_rerun(LETTERS, letters, "letter batch", "letters")
        check("one letter per customer", made == total, f"{made} letters for {total} customers")

        # 3. render job: kill -9 after a few rendered letters, rerun
        rendered = f"{letters} AND l.render_state = 'rendered'"
        check("the letters wait for the render job", query(args.db, rendered)[0][0] == 0)
        done = kill_and_rerun(RENDER, rendered, "render job", "letters rendered")
        check("every letter rendered", done == total, f"{done} of {total}")

        for label, sql in DUPLICATES.items():
            twice = query(args.db, sql)
            check(f"no {label} twice", not twice, f"{len(twice)} duplicated")
    finally:
        if not args.keep:
            admin(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
            shutil.rmtree(FILESTORE / args.db, ignore_errors=True)
    passed = sum(results)
    sys.stdout.write(f"{passed} passed, {len(results) - passed} failed\n")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
