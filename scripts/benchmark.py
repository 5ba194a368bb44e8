#!/usr/bin/env python3
"""Nightly-run benchmark: seed a ledger in bulk SQL, then run every scheduled action of the addon.

Run it through `scripts/dev bench` (which installs Odoo, starts PostgreSQL and builds the template database):

    scripts/dev bench --sizes 2000:10000,20000:100000
    scripts/dev bench --sizes 2000:10000 --oca-addons /path/to/dir/holding/account_credit_control

The night (the default): for each size it copies the template database (and its filestore), seeds the ledger
on a frozen working day (the next Monday), and runs every cron of the addon to completion, as the cron runner
does (a commit per call, called again while it reports work remaining), on that day and the next two working
days; crons that run weekly or monthly run on the first day only. Per cron and day: seconds, queries; per day:
created records by kind (activities per user, mails, messages, history rows, letters) and the process's peak
resident memory. It prints the read floor (one SELECT that buckets every open invoice) and the write floor (one
UPDATE that stores the bucket of every open invoice, rolled back). With `--oca-addons`, it installs OCA's
`account_credit_control` on a copy of the same seeded ledger, runs its credit-control run (lines, then their
emails) on the same three days, and prints the ratios.

`--escalation` runs the former benchmark instead (the escalation alone, cold and warm):

For each size (customers:invoices) it copies the template database, seeds customers and posted open
invoices spread over every aging bucket (10% partly paid), and measures in one process:
- the floor: one set-based SQL statement that puts every open invoice in its aging bucket (best of 3);
- the cold run: the first escalation (creates the customer files, classifies everything, first actions);
- the warm run: the next day's re-evaluation of every customer (same day replayed: no new action is due);
with the SQL queries, the queries of the busiest batch, and the process's peak resident memory.
It prints a table and a JSON line.

It also measures letters: a 20-invoice formal demand rendered from the shipped template, as letters per
second for the rendering alone (docxtpl in the sandbox) and for the whole generation (invoices, interest,
rendering, the letter record with its attachment, chatter and history). `--letters 0` skips it,
`--only-letters` runs nothing else.
"""

import argparse
import contextlib
import cProfile
import json
import os
import platform
import resource
import shutil
import sys
import threading
import time
from datetime import date, datetime, timedelta

MODULE = "account_collection_litigation"
LETTER_QUEUE_CRON = f"{MODULE}.ir_cron_collection_letter_batch"
LETTER_RENDER_CRONS = (f"{MODULE}.ir_cron_collection_letter_render_1", f"{MODULE}.ir_cron_collection_letter_render_2")


def wall_clock():
    """Seconds of a monotonic clock that freezegun leaves alone (it freezes time.perf_counter)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)

BUCKET_FLOOR_SQL = """
    SELECT id,
           CASE WHEN %(today)s - invoice_date_due <= 0 THEN 'not_due'
                WHEN %(today)s - invoice_date_due <= 30 THEN '1_30'
                WHEN %(today)s - invoice_date_due <= 60 THEN '31_60'
                WHEN %(today)s - invoice_date_due <= 90 THEN '61_90'
                ELSE '90_plus' END
      FROM account_move
     WHERE move_type = 'out_invoice' AND state = 'posted' AND amount_residual > 0
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--odoo", required=True, help="Odoo 18.0 source tree")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--template", default="acl_bench_base", help="database with the addon, without demo")
    parser.add_argument("--sizes", default="2000:10000,20000:100000", help="customers:invoices,...")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--daily-new-customers", type=int, default=0,
                        help="the policies' go-live cap of new customers a day per collector (0: none, the heaviest "
                             "first day)")
    parser.add_argument("--keep", action="store_true", help="keep the seeded databases")
    parser.add_argument("--letters", type=int, default=30, help="letters to generate in the letter benchmark")
    parser.add_argument("--only-letters", action="store_true", help="run the letter benchmark only")
    parser.add_argument("--escalation", action="store_true", help="the escalation alone (cold and warm run)")
    parser.add_argument("--collectors", type=int, default=5, help="collectors of the one team (night)")
    parser.add_argument("--oca-addons", help="a directory holding OCA's account_credit_control 18.0 (night)")
    parser.add_argument("--oca-limit", type=int, default=1800,
                        help="seconds a query of OCA's run may take; a day that goes over it is reported as not "
                             "finished within that time, and OCA's later days are not run")
    parser.add_argument("--db-prefix", default="acl_night", help="name prefix of the seeded databases (night)")
    parser.add_argument("--profile", metavar="DIR",
                        help="write a cProfile file per cron and day of the night to DIR (one worker)")
    parser.add_argument("--workers", type=int, default=1,
                        help="also run the night on a copy of the same ledger with this many cron workers, each a "
                             "process with its own cursor running its slot of every job in parallel (night)")
    return parser.parse_args()


def seed(env, customers, invoices, today):
    """Customers and posted open invoices in bulk SQL, due from 30 days ahead to 180 days ago."""
    cr = env.cr
    company = env.ref("base.main_company")
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    receivable = env["account.account"].search([
        ("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)], limit=1)
    income = journal.default_account_id
    currency = company.currency_id.id
    cr.execute("""
        INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, customer_rank,
                                 create_date, write_date, create_uid, write_uid)
        SELECT 'Bench customer ' || n, 'Bench customer ' || n, true, true, 'contact', 'ask', 1,
               now(), now(), 1, 1
          FROM generate_series(1, %s) n
        RETURNING id
    """, (customers,))
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", (partner_ids,))
    cr.execute("""
        CREATE TEMP TABLE bench_invoice AS
        SELECT n,
               (%(partners)s::int[])[1 + (n * 7919) %% %(count)s] AS partner_id,
               (%(today)s::date - (((n * 104729) %% 211) - 30)::int) AS due,
               (100 + (n * 37) %% 9900)::numeric AS amount,
               CASE WHEN n %% 10 = 0 THEN 0.4 + ((n * 13) %% 50) / 100.0 ELSE 1 END AS open_share
          FROM generate_series(1, %(invoices)s::bigint) n
    """, {"partners": partner_ids, "count": customers, "today": today, "invoices": invoices})
    cr.execute("""
        INSERT INTO account_move (name, journal_id, company_id, currency_id, date, invoice_date, invoice_date_due,
                                  move_type, state, auto_post, partner_id, commercial_partner_id,
                                  amount_untaxed, amount_total, amount_residual, amount_untaxed_signed,
                                  amount_total_signed, amount_residual_signed, amount_total_in_currency_signed,
                                  payment_state, create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH/' || n, %(journal)s, %(company)s, %(currency)s, due - 30, due - 30, due,
               'out_invoice', 'posted', 'no', partner_id, partner_id,
               amount, amount, round(amount * open_share, 2), amount, amount, round(amount * open_share, 2), amount,
               CASE WHEN open_share < 1 THEN 'partial' ELSE 'not_paid' END, now(), now(), 1, 1
          FROM bench_invoice
        RETURNING id, partner_id, invoice_date_due, amount_total, amount_residual, date
    """, {"journal": journal.id, "company": company.id, "currency": currency})
    moves = cr.fetchall()
    cr.execute("""
        INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id, company_currency_id, account_id,
                                       partner_id, date, date_maturity, parent_state, display_type, name,
                                       debit, credit, balance, amount_currency, amount_residual,
                                       amount_residual_currency, reconciled, create_date, write_date)
        SELECT m.id, %(journal)s, %(company)s, %(currency)s, %(currency)s, acc.account_id, m.partner_id, m.date,
               CASE WHEN acc.receivable THEN m.invoice_date_due END, 'posted',
               CASE WHEN acc.receivable THEN 'payment_term' ELSE 'product' END, m.name,
               CASE WHEN acc.receivable THEN m.amount_total ELSE 0 END,
               CASE WHEN acc.receivable THEN 0 ELSE m.amount_total END,
               CASE WHEN acc.receivable THEN m.amount_total ELSE -m.amount_total END,
               CASE WHEN acc.receivable THEN m.amount_total ELSE -m.amount_total END,
               CASE WHEN acc.receivable THEN m.amount_residual ELSE 0 END,
               CASE WHEN acc.receivable THEN m.amount_residual ELSE 0 END,
               false, now(), now()
          FROM account_move m
          CROSS JOIN (VALUES (%(receivable)s, true), (%(income)s, false)) AS acc(account_id, receivable)
         WHERE m.name LIKE 'BENCH/%%'
    """, {"journal": journal.id, "company": company.id, "currency": currency,
          "receivable": receivable.id, "income": income.id})
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE res_partner")
    cr.commit()
    env.invalidate_all()
    return len(moves)


WRITE_FLOOR_SQL = """
    UPDATE account_move
       SET collection_bucket = CASE WHEN %(today)s - invoice_date_due <= 0 THEN 'not_due'
                                    WHEN %(today)s - invoice_date_due <= 30 THEN '1_30'
                                    WHEN %(today)s - invoice_date_due <= 60 THEN '31_60'
                                    WHEN %(today)s - invoice_date_due <= 90 THEN '61_90'
                                    ELSE '90_plus' END
     WHERE move_type = 'out_invoice' AND state = 'posted' AND amount_residual > 0
"""


def time_write_floor(cr, today):
    """One UPDATE bucketing every open invoice (best of 3, each rolled back)."""
    best = None
    for _attempt in range(3):
        cr.execute("SAVEPOINT write_floor")
        start = wall_clock()
        cr.execute(WRITE_FLOOR_SQL, {"today": today})
        elapsed = wall_clock() - start
        cr.execute("ROLLBACK TO SAVEPOINT write_floor")
        best = elapsed if best is None else min(best, elapsed)
    return best


def time_floor(cr, today):
    best = None
    for _attempt in range(3):
        start = wall_clock()
        cr.execute(BUCKET_FLOOR_SQL, {"today": today})
        rows = cr.fetchall()
        elapsed = wall_clock() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, len(rows)


def run_escalation(env, batch_size):
    """The cron's loop, as the runner drives it: one batch per call, a commit after each."""
    model = env["collection.customer"]
    cr = env.cr
    queries_before = cr.sql_log_count
    batch_queries = []
    start = wall_clock()
    while True:
        before = cr.sql_log_count
        done = model._cron_escalate(batch_size=batch_size)
        cr.commit()
        env.invalidate_all()
        if not done:
            break
        batch_queries.append(cr.sql_log_count - before)
    elapsed = wall_clock() - start
    return {
        "seconds": round(elapsed, 3),
        "batches": len(batch_queries),
        "queries": cr.sql_log_count - queries_before,
        "queries_per_batch_max": max(batch_queries, default=0),
        # the process's peak resident memory so far (Linux reports KiB): it stays flat when memory is
        # bounded by the batch, whatever the size of the ledger
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def bench_size(odoo, args, customers, invoices):
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    dbname = f"acl_bench_{customers}_{invoices}"
    copy_database(args.template, dbname)
    registry = Registry(dbname)
    today = date.today()
    result = {"customers": customers, "invoices": invoices, "batch_size": args.batch_size}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        start = wall_clock()
        result["open_invoices"] = seed(env, customers, invoices, today)
        result["seed_seconds"] = round(wall_clock() - start, 1)
        result["floor_seconds"], _rows = time_floor(cr, today)
        result["floor_seconds"] = round(result["floor_seconds"], 4)
        env["res.company"]._collection_create_defaults()
        env["collection.policy"].search([]).write({"daily_new_customers": args.daily_new_customers})
        result["daily_new_customers"] = args.daily_new_customers
        cr.commit()
        activities_before = env["mail.activity"].search_count([])
        result["cold"] = run_escalation(env, args.batch_size)
        result["activities_created"] = env["mail.activity"].search_count([]) - activities_before
        cr.execute("SELECT count(*) FROM collection_history")
        result["history_rows"] = cr.fetchone()[0]
        # The next day's run re-reads and re-classifies every customer; replayed on the same day, so the
        # calendar has nothing new to do and the run measures the escalation itself.
        cr.execute("UPDATE collection_customer SET checked_on = checked_on - 1")
        cr.commit()
        result["warm"] = run_escalation(env, args.batch_size)
    for run in ("cold", "warm"):
        result[f"{run}_over_floor"] = round(result[run]["seconds"] / result["floor_seconds"], 1)
    if args.keep:
        Registry.delete(dbname)
    else:
        drop_database(dbname)
    return result


def copy_database(template, dbname):
    """A fresh copy of `template` with its filestore (the shipped letter templates are attachments)."""
    import odoo
    from odoo import sql_db

    with sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        cr.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{template}"')
    filestore = odoo.tools.config.filestore
    shutil.rmtree(filestore(dbname), ignore_errors=True)
    if os.path.isdir(filestore(template)):
        shutil.copytree(filestore(template), filestore(dbname))


def vacuum_ledger(dbname):
    """VACUUM ANALYZE the seeded ledger, as autovacuum keeps a live one: the write floor's three rolled-back
    UPDATEs leave three dead versions of every open invoice, which whichever run comes first would otherwise pay
    for (about a third of the first night's UPDATE of the invoices at 100k), and the seed's rows are not yet
    marked visible."""
    from odoo import sql_db

    with sql_db.db_connect(dbname).cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE account_move, account_move_line, res_partner")


def drop_database(dbname):
    import odoo
    from odoo import sql_db
    from odoo.modules.registry import Registry

    Registry.delete(dbname)
    sql_db.close_db(dbname)
    with sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
    shutil.rmtree(odoo.tools.config.filestore(dbname), ignore_errors=True)


def working_days(count):
    """The next Monday and the working days after it: the calendar carries out actions on working days only."""
    today = date.today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return [monday + timedelta(days=n) for n in range(count)]


def module_crons(env):
    """The addon's scheduled actions in the order of a night (by time of day, then priority), as lists of worker
    slots: the crons of one job (same model and code) that several cron workers share, first slot first."""
    ids = env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", "ir.cron")]).mapped("res_id")
    crons = env["ir.cron"].with_context(active_test=False).browse(ids).exists()
    jobs = {}
    for cron in crons.sorted(lambda cron: (cron.nextcall.time(), cron.priority, cron.id)):
        jobs.setdefault((cron.model_id.model, cron.code), []).append(cron)
    return list(jobs.values())


def night_jobs(env, day_index):
    """The jobs of the night's `day_index`-th day, each a list of worker slots: weekly and monthly jobs on the
    first day only."""
    jobs = module_crons(env)
    if day_index:
        jobs = [slots for slots in jobs if slots[0].interval_type in ("minutes", "hours", "days")]
    return jobs


def run_cron(env, cron, profile_path=None):
    """Run a cron to completion as the cron runner does: a progress record and a commit per call, called again
    while it reports work done and work remaining. Returns (seconds, queries, calls, error, database seconds):
    the last is the time its queries took, as Odoo's cursor counts it for the current thread.

    With `profile_path`, the calls run under cProfile and its statistics are written there."""
    cr = env.cr
    queries = cr.sql_log_count
    thread = threading.current_thread()
    thread.query_count, thread.query_time = 0, 0.0
    profiler = cProfile.Profile() if profile_path else contextlib.nullcontext()
    start = wall_clock()
    with profiler:
        end, calls, error = _run_cron_calls(env, cron)
    if profile_path:
        profiler.dump_stats(profile_path)
    return end - start, cr.sql_log_count - queries, calls, error, thread.query_time


def _run_cron_calls(env, cron):
    """The calls of `run_cron`: (the clock when they ended, calls, error)."""
    cr, calls, error = env.cr, 0, None
    while True:
        job, progress = cron._add_progress()
        cr.commit()
        try:
            job._callback(cron.cron_name, cron.ir_actions_server_id.id)
        except Exception as exc:   # noqa: BLE001 - reported in the table, the night goes on
            cr.rollback()
            error = f"{type(exc).__name__}: {exc}"
            break
        cr.commit()
        env.invalidate_all()
        calls += 1
        if not (progress.done and progress.remaining) or calls >= 100_000:
            break
    return wall_clock(), calls, error


def max_ids(cr):
    tables = ("mail_activity", "mail_mail", "mail_message", "collection_history", "collection_letter")
    result = {}
    for table in tables:
        cr.execute(f"SELECT COALESCE(max(id), 0) FROM {table}")   # noqa: S608 - fixed table names
        result[table] = cr.fetchone()[0]
    return result


def created_since(cr, before):
    after = max_ids(cr)
    cr.execute("SELECT u.login, count(*) FROM mail_activity a JOIN res_users u ON u.id = a.user_id "
               "WHERE a.id > %s GROUP BY u.login ORDER BY 2 DESC", [before["mail_activity"]])
    per_user = dict(cr.fetchall())
    cr.execute("SELECT m.model || ' ' || m.message_type, count(*) FROM mail_message m WHERE m.id > %s "
               "GROUP BY 1 ORDER BY 2 DESC", [before["mail_message"]])
    messages_by_kind = dict(cr.fetchall())
    cr.execute("SELECT event || COALESCE(' ' || state, ''), count(*) FROM collection_history WHERE id > %s "
               "GROUP BY 1 ORDER BY 2 DESC", [before["collection_history"]])
    history_by_kind = dict(cr.fetchall())
    counts = {}
    for table in ("mail_mail", "mail_message", "collection_history", "collection_letter"):
        cr.execute(f"SELECT count(*) FROM {table} WHERE id > %s", [before[table]])   # noqa: S608
        counts[table] = cr.fetchone()[0]
    return {"activities": sum(per_user.values()), "activities_per_user": per_user,
            "activities_max_per_user": max(per_user.values(), default=0), "mails": counts["mail_mail"],
            "messages": counts["mail_message"], "history": counts["collection_history"],
            "letters": counts["collection_letter"], "messages_by_kind": messages_by_kind,
            "history_by_kind": history_by_kind}, after


def night_setup(env, collectors):
    """The default policies and one team of collectors (the worklist shares the new customers among them)."""
    env["res.company"]._collection_create_defaults()
    group = env.ref(f"{MODULE}.group_collection_collector")
    users = env["res.users"].with_context(no_reset_password=True).create([{
        "name": f"Bench collector {n}", "login": f"bench_collector_{n}", "email": f"collector{n}@bench.example",
        "groups_id": [(6, 0, (group | env.ref("base.group_user")).ids)],
    } for n in range(collectors)])
    env["collection.team"].create({"name": "Bench team", "member_ids": [(6, 0, users.ids)]})
    env["collection.policy"].search([]).write({"collector_id": users[:1].id})


def bench_night(args, customers, invoices):
    from freezegun import freeze_time

    from odoo import SUPERUSER_ID, api, sql_db
    from odoo.modules.registry import Registry

    dbname = f"{args.db_prefix}_{customers}_{invoices}"
    copy_database(args.template, dbname)
    days = working_days(3)
    result = {"customers": customers, "invoices": invoices, "days": [], "first_day": days[0].strftime("%A %Y-%m-%d")}
    with freeze_time(datetime.combine(days[0], datetime.min.time()) + timedelta(hours=1)):
        registry = Registry(dbname)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            result["open_invoices"] = seed(env, customers, invoices, days[0])
            night_setup(env, args.collectors)
            cr.commit()
            result["read_floor_seconds"] = round(time_floor(cr, days[0])[0], 4)
            result["write_floor_seconds"] = round(time_write_floor(cr, days[0]), 4)
    vacuum_ledger(dbname)   # before the copies: every night starts from the same ledger
    if args.oca_addons or args.workers > 1:
        sql_db.close_db(dbname)   # a template has no open connection
    if args.oca_addons:
        copy_database(dbname, f"{dbname}_oca")
    if args.workers > 1:
        copy_database(dbname, f"{dbname}_workers")
    for index, day in enumerate(days):
        with freeze_time(datetime.combine(day, datetime.min.time()) + timedelta(hours=1)), \
                registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            before = max_ids(cr)
            runs = []
            for cron, *_other_slots in night_jobs(env, index):   # alone, a worker runs the first slot
                profile_path = args.profile and os.path.join(
                    args.profile, f"{customers}_{index + 1}_{cron.get_external_id()[cron.id].split('.')[-1]}.prof")
                seconds, queries, calls, error, db_seconds = run_cron(env, cron, profile_path)
                runs.append({"cron": cron.cron_name, "xmlid": cron.get_external_id()[cron.id],
                             "seconds": round(seconds, 3), "db_seconds": round(db_seconds, 3), "queries": queries,
                             "calls": calls, "error": error})
            created, _after = created_since(cr, before)
            result["days"].append({
                "day": day.strftime("%A %Y-%m-%d"), "crons": runs,
                "seconds": round(sum(run["seconds"] for run in runs), 2),
                "queries": sum(run["queries"] for run in runs), "created": created,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            })
    if args.workers > 1:
        result["workers"] = args.workers
        result["workers_days"] = bench_workers(args, f"{dbname}_workers", days)
        if not args.keep:
            drop_database(f"{dbname}_workers")
    if args.oca_addons:
        # ours first, in case OCA's run does not come back
        print(f"  ours, {customers:,} customers / {invoices:,} invoices: "
              + json.dumps([{"day": day["day"], "seconds": day["seconds"], "crons": {
                  run["cron"]: run["seconds"] for run in day["crons"]}} for day in result["days"]]),
              file=sys.stderr, flush=True)
        result["oca"] = bench_oca(f"{dbname}_oca", days, args.oca_limit)
        for ours, theirs in zip(result["days"], result["oca"], strict=False):
            ours["oca_seconds"] = theirs["seconds"]
            ours["oca_unfinished"] = theirs.get("unfinished", False)
            ours["oca_over_ours"] = round(theirs["seconds"] / ours["seconds"], 1) if ours["seconds"] else None
        if not args.keep:
            drop_database(f"{dbname}_oca")
    if not args.keep:
        drop_database(dbname)
    return result


def frozen_night(day):
    """The clock of the night of `day`: 01:00, when the first jobs start."""
    from freezegun import freeze_time

    return freeze_time(datetime.combine(day, datetime.min.time()) + timedelta(hours=1))


def cron_worker(conn, odoo_dir, config_args, dbname):
    """One cron worker: a process of its own with its registry and cursor, like a worker of odoo-bin. It runs
    each cron it is sent to completion, on the day it is sent with, and answers run_cron's figures."""
    sys.path.insert(0, odoo_dir)
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(config_args)
    registry = Registry(dbname)
    conn.send("ready")
    while (task := conn.recv()) is not None:
        day, cron_id = task
        with frozen_night(day), registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            conn.send(run_cron(env, env["ir.cron"].browse(cron_id)))


def bench_workers(args, dbname, days):
    """The night on a copy of the same ledger with `args.workers` cron workers running at once: each job's slots
    (the crons sharing its code) are run in parallel, one per worker; a job of one slot runs on one worker while
    the others wait, as they would for its work. Per job the wall-clock time until every worker is done."""
    import multiprocessing

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    context = multiprocessing.get_context("spawn")
    pipes, processes = [], []
    for _slot in range(args.workers):
        ours, theirs = context.Pipe()
        process = context.Process(target=cron_worker, args=(theirs, args.odoo, args.config_args, dbname))
        process.start()
        pipes.append(ours)
        processes.append(process)
    for pipe in pipes:
        pipe.recv()
    registry = Registry(dbname)
    results = []
    try:
        for index, day in enumerate(days):
            with frozen_night(day), registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                before = max_ids(cr)
                jobs = [(slots[0].cron_name, [cron.id for cron in slots]) for slots in night_jobs(env, index)]
            runs = []
            for name, slots in jobs:
                busy = list(zip(pipes, slots, strict=False))   # as many workers as the job has slots
                start = wall_clock()
                for pipe, cron_id in busy:
                    pipe.send((day, cron_id))
                replies = [pipe.recv() for pipe, _cron_id in busy]
                runs.append({"cron": name, "seconds": round(wall_clock() - start, 3), "workers": len(busy),
                             "queries": sum(reply[1] for reply in replies),
                             "calls": sum(reply[2] for reply in replies),
                             "error": next((reply[3] for reply in replies if reply[3]), None)})
            with registry.cursor() as cr:
                created, _after = created_since(cr, before)
            results.append({"day": day.strftime("%A %Y-%m-%d"), "crons": runs, "created": created,
                            "seconds": round(sum(run["seconds"] for run in runs), 2)})
    finally:
        for pipe in pipes:
            pipe.send(None)
        for process in processes:
            process.join()
    Registry.delete(dbname)
    return results


def bench_oca(dbname, days, limit):
    """OCA account_credit_control on a copy of the same ledger: a policy of three email levels (15, 30 and 60
    days past due) on the receivable account, then on each day its credit-control run: the lines, marked ready,
    and their emails.

    A query of the run that takes longer than `limit` seconds is cancelled: that day is reported as unfinished
    after the seconds it ran (a lower bound), and the later days, whose ledger would lack its lines, are not run."""
    from freezegun import freeze_time
    from psycopg2.errors import QueryCanceled

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    with freeze_time(datetime.combine(days[0], datetime.min.time())):
        registry = Registry(dbname)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.module.module"].update_list()
            env["ir.module.module"].search([("name", "=", "account_credit_control")]).button_immediate_install()
        registry = Registry(dbname)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            receivable = env["account.account"].search([("account_type", "=", "asset_receivable"),
                                                        ("company_ids", "in", company.id)])
            template = env.ref("account_credit_control.email_template_credit_control_base")
            policy = env["credit.control.policy"].create({
                "name": "Bench", "account_ids": [(6, 0, receivable.ids)],
                "level_ids": [(0, 0, {
                    "name": f"Level {level}", "level": level, "delay_days": delay, "channel": "email",
                    "computation_mode": "net_days" if level == 1 else "previous_date",
                    "email_template_id": template.id, "custom_text": "Please pay.",
                    "custom_mail_text": "<p>Please pay.</p>",
                }) for level, delay in ((1, 15), (2, 15), (3, 30))],
            })
            company.credit_policy_id = policy
            cr.commit()
    results = []
    for day in days:
        with freeze_time(datetime.combine(day, datetime.min.time()) + timedelta(hours=1)), \
                registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cr.execute("SET statement_timeout = %s", [limit * 1000])
            queries = cr.sql_log_count
            start = wall_clock()
            try:
                run = env["credit.control.run"].create({"date": day})
                run.generate_credit_lines()
                run.set_to_ready_lines()
                run.run_channel_action()
                cr.commit()
            except QueryCanceled:
                cr.rollback()
                results.append({"day": day.strftime("%A %Y-%m-%d"), "seconds": round(wall_clock() - start, 2),
                                "queries": cr.sql_log_count - queries, "lines": None, "unfinished": True})
                print(f"  OCA's run of {day} did not finish: a query went over {limit} s", file=sys.stderr)
                break
            results.append({"day": day.strftime("%A %Y-%m-%d"), "seconds": round(wall_clock() - start, 2),
                            "queries": cr.sql_log_count - queries, "lines": len(run.line_ids)})
    return results


def machine_facts():
    """What the figures depend on: cores, CPU model and memory, as /proc tells them (Linux)."""
    facts = {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
             "processor": platform.processor() or platform.machine()}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            facts["cpu_model"] = next((line.split(":", 1)[1].strip() for line in cpuinfo
                                       if line.startswith("model name")), facts["processor"])
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
        facts["ram_gb"] = round(kib / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError) as exc:   # not Linux: the figures say less about the machine
        facts["proc_error"] = str(exc)
    return facts


def escalation_seconds(day):
    return sum(run["seconds"] for run in day["crons"] if "escalat" in run["cron"].lower())


def print_targets(r):
    """The issue's targets, measured in this run on this ledger."""
    days = r["days"]
    floor = r["write_floor_seconds"]
    following = days[1:]
    if "oca" in r:
        first = days[0]
        bound = "more than " if first.get("oca_unfinished") else ""
        print(f"  target: first working day at least 5x faster than OCA: {bound}{first['oca_over_ours']}x "
              f"{'met' if first['oca_over_ours'] and first['oca_over_ours'] >= 5 else 'MISSED'}")
        measured = [day for day in following if "oca_over_ours" in day]
        if measured and not any(day.get("oca_unfinished") for day in measured):
            worst = min(day["oca_over_ours"] or 0 for day in measured)
            print(f"  target: each following working day at least 10x faster than OCA: worst {worst}x "
                  f"{'met' if worst >= 10 else 'MISSED'}")
        elif following:
            print("  target: each following working day at least 10x faster than OCA: not measured (OCA's run of "
                  "an earlier day did not finish)")
    if following and floor:
        worst = max(escalation_seconds(day) / floor for day in following)
        print(f"  target: escalation of a following day within 1.5x the write floor: worst {worst:.2f}x "
              f"{'met' if worst <= 1.5 else 'MISSED'}")
    for alone, shared in zip(days, r.get("workers_days", ()), strict=False):
        drop = 1 - shared["seconds"] / alone["seconds"] if alone["seconds"] else 0
        same = all(alone["created"][kind] == shared["created"][kind]
                   for kind in ("activities", "mails", "messages", "history", "letters"))
        print(f"  {r['workers']} workers, {shared['day']}: {shared['seconds']:.2f} s wall-clock vs "
              f"{alone['seconds']:.2f} s with one ({drop:.0%} less, target 40%: {'met' if drop >= 0.4 else 'MISSED'});"
              f" side effects {'the same' if same else 'DIFFERENT: ' + json.dumps(shared['created'])}")
        for run in shared["crons"]:
            if run["workers"] > 1 or run["error"]:
                error = f"  FAILED: {run['error']}" if run["error"] else ""
                print(f"    {run['cron'][:58]:<58} {run['seconds']:>9.3f} s on {run['workers']} workers{error}")


def print_night(results, machine):
    print(f"machine: {machine.get('cpus')} cores ({machine.get('cpu_model', machine['processor'])}), "
          f"{machine.get('ram_gb', '?')} GB RAM, Python {machine['python']}")
    for r in results:
        print(f"\n{r['customers']:,} customers / {r['open_invoices']:,} open invoices, first day {r['first_day']}: "
              f"read floor {r['read_floor_seconds']:.3f} s, write floor {r['write_floor_seconds']:.3f} s")
        for day in r["days"]:
            created = day["created"]
            oca = ""
            if day.get("oca_unfinished"):
                oca = (f", OCA not finished after {day['oca_seconds']:.0f} s (OCA ÷ ours more than "
                       f"{day['oca_over_ours']}×)")
            elif "oca_seconds" in day:
                oca = f", OCA {day['oca_seconds']:.2f} s (OCA ÷ ours {day['oca_over_ours']}×)"
            print(f"  {day['day']}: {day['seconds']:.2f} s, {day['queries']:,} queries, peak RSS "
                  f"{day['peak_rss_mb']} MB{oca}")
            print(f"    created: {created['activities']:,} activities (most for one user "
                  f"{created['activities_max_per_user']:,}), {created['mails']:,} mails, {created['messages']:,} "
                  f"messages, {created['history']:,} history rows, {created['letters']:,} letters")
            print(f"      messages: {json.dumps(created['messages_by_kind'])}; history: "
                  f"{json.dumps(created['history_by_kind'])}")
            for run in day["crons"]:
                note = ""
                if "escalat" in run["cron"].lower() and r["write_floor_seconds"]:
                    note = f" ({run['seconds'] / r['write_floor_seconds']:.1f}× the write floor)"
                elif run.get("xmlid") == LETTER_QUEUE_CRON and created["letters"]:
                    note = (f" ({run['db_seconds'] * 1000 / created['letters']:.2f} ms of database work, "
                            f"{run['seconds'] * 1000 / created['letters']:.1f} ms in all, per letter queued)")
                elif run.get("xmlid") in LETTER_RENDER_CRONS and created["letters"] and run["seconds"]:
                    note = f" ({created['letters'] / run['seconds']:.1f} letters rendered per second)"
                error = f"  FAILED: {run['error']}" if run["error"] else ""
                print(f"    {run['cron'][:58]:<58} {run['seconds']:>9.3f} s (database {run['db_seconds']:>6.3f} s) "
                      f"{run['queries']:>7,} queries {run['calls']:>5} calls{note}{error}")
        print_targets(r)


def bench_letters(args, count, invoices=20):
    """Letters per second for a letter listing `invoices` invoices: rendering only, and whole generation."""
    from datetime import timedelta

    from odoo import SUPERUSER_ID, Command, api
    from odoo.addons.account_collection_litigation.tools.docx_render import render_docx
    from odoo.modules.registry import Registry

    dbname = "acl_bench_letters"
    copy_database(args.template, dbname)
    registry = Registry(dbname)
    today = date.today()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        partner = env["res.partner"].create({"name": "Letter Bench Customer", "is_company": True,
                                             "email": "bench@customer.example", "street": "1 Bench Road"})
        moves = env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": today - timedelta(days=40 + n),
            "invoice_date_due": today - timedelta(days=30 + n),
            "invoice_line_ids": [Command.create({"name": "Goods", "quantity": 1, "price_unit": 100.0 + n,
                                                 "tax_ids": [Command.clear()]})],
        } for n in range(invoices)])
        moves.action_post()
        file = moves._collection_files()
        engine = env["collection.letter.engine"]
        letter = engine._generate(file, "formal_demand")
        template = letter.template_id._template_bytes()
        context = engine._letter_context(letter, {})
        start = time.perf_counter()
        for _index in range(count):
            render_docx(template, context)
        render_seconds = time.perf_counter() - start
        start = time.perf_counter()
        for index in range(1, count + 1):     # one letter a day: the same day would give the same letter
            engine._generate(file, "formal_demand", day=today - timedelta(days=index))
        generate_seconds = time.perf_counter() - start
        lines = len(letter.line_ids)
        cr.rollback()
    drop_database(dbname)
    return {"letters": count, "invoices_per_letter": lines,
            "rendered_per_second": round(count / render_seconds, 1),
            "generated_per_second": round(count / generate_seconds, 1)}


def main():
    args = parse_args()
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
    sys.path.insert(0, args.odoo)
    import odoo

    addons_path = f"{args.addons_path},{args.oca_addons}" if args.oca_addons else args.addons_path
    args.config_args = ["--addons-path", addons_path, "--data-dir", args.data_dir, "--log-level", "warn"]
    odoo.tools.config.parse_config(args.config_args)
    machine = machine_facts()
    if not (args.escalation or args.only_letters):
        results = []
        for size in args.sizes.split(","):
            customers, invoices = (int(part) for part in size.split(":"))
            results.append(bench_night(args, customers, invoices))
            print(f"  done {customers:,} customers / {invoices:,} invoices", file=sys.stderr)
        print_night(results, machine)
        print(json.dumps({"benchmark": "night", "machine": machine, "results": results}))
        return
    results = []
    for size in ([] if args.only_letters else args.sizes.split(",")):
        customers, invoices = (int(part) for part in size.split(":"))
        results.append(bench_size(odoo, args, customers, invoices))
        print(f"  done {customers:,} customers / {invoices:,} invoices", file=sys.stderr)

    header = (f"{'customers/invoices':>20} {'floor s':>8} {'cold s':>8} {'warm s':>8} {'warm/floor':>10} "
              f"{'cold/floor':>10} {'queries cold':>12} {'q/batch':>8} {'RSS MB':>8} {'activities':>10}")
    letters = bench_letters(args, args.letters) if args.letters else None
    if letters:
        print(f"letters ({letters['invoices_per_letter']} invoices each, {letters['letters']} letters): "
              f"{letters['rendered_per_second']} rendered per second (docxtpl in the sandbox), "
              f"{letters['generated_per_second']} generated per second (records, attachment, chatter, history)")
    if not results:
        print(json.dumps({"benchmark": "letters", "letters": letters}))
        return
    print(header)
    for r in results:
        print(f"{r['customers']:>9,}/{r['invoices']:<10,} {r['floor_seconds']:>8.3f} {r['cold']['seconds']:>8.2f} "
              f"{r['warm']['seconds']:>8.2f} {r['warm_over_floor']:>10.1f} {r['cold_over_floor']:>10.1f} "
              f"{r['cold']['queries']:>12,} {r['warm']['queries_per_batch_max']:>8} "
              f"{r['warm']['peak_rss_mb']:>8.1f} {r['activities_created']:>10,}")
    print(json.dumps({"benchmark": "escalation", "machine": machine, "results": results, "letters": letters}))


if __name__ == "__main__":
    main()
