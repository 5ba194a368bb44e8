"""Letters queued and rendered per second, on a copy of a database with the addon installed (rolled back).

    scripts/dev odoo shell -d DB --no-http --log-level=warn < scripts/letter_render_speed.py

Seeds LETTERS customers (environment variable, default 200) with two overdue invoices each, queues their
letters as the calendar does (one call: figures frozen, no document), then renders them as one render worker
does (`_cron_render_letters`, slices of 50). Prints letters per second (wall clock, and per second of this
process's CPU, which is what one worker gets on a free core), and queries per letter. Nothing is committed.
"""
# ruff: noqa: F821 - `env` is given by `odoo-bin shell`

import os
import sys
import time
from datetime import timedelta

from odoo import Command

count = int(os.environ.get("LETTERS", "200"))
env = env(context=dict(env.context, tracking_disable=True))
today = env["collection.escalation"]._today()
partners = env["res.partner"].create([{"name": f"Speed Letter {n}", "is_company": True, "street": f"{n} Road",
                                       "city": "Shanghai", "email": f"speed{n}@customer.example"}
                                      for n in range(count)])
moves = env["account.move"].create([{
    "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": today - timedelta(days=60 + age),
    "invoice_date_due": today - timedelta(days=30 + age),
    "invoice_line_ids": [Command.create({"name": "Goods", "quantity": 1, "price_unit": 100.0 + age,
                                         "tax_ids": [Command.clear()]})],
} for partner in partners for age in (0, 1)])
moves.action_post()
files = moves._collection_files()
engine = env["collection.letter.engine"]
env.flush_all()
env.invalidate_all()

queries, start = env.cr.sql_log_count, time.perf_counter()
letters = engine._generate(files.browse(files.ids), "reminder_2", trigger="calendar", lazy=True)
env.flush_all()
seconds = time.perf_counter() - start
sys.stdout.write(f"queued   {len(letters)} letters in {seconds:.2f} s: {len(letters) / seconds:.0f} letters/s, "
                 f"{env.cr.sql_log_count - queries} queries in all\n")

env.invalidate_all()
queries, start, cpu = env.cr.sql_log_count, time.perf_counter(), time.process_time()
rendered = 0
while done := engine._cron_render_letters(batch_size=50):
    rendered += done
env.flush_all()
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
sys.stdout.write(f"rendered {rendered} letters in {seconds:.2f} s: {rendered / seconds:.1f} letters/s, "
                 f"{rendered / cpu:.1f} letters per CPU second, "
                 f"{(env.cr.sql_log_count - queries) / max(rendered, 1):.2f} queries per letter\n")
env.cr.rollback()
