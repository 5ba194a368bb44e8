from datetime import timedelta

from odoo import api, fields, models

DIGEST_LIMIT = 50   # rows listed per section; the count says how many there are


class CollectionDigest(models.Model):
    """The daily digest of one collection manager: what it listed and the email that carried it. The key
    (manager, day) is unique: a rerun of the scheduled action, or a second runner, sends nothing twice."""

    _name = "collection.digest"
    _description = "Collection Daily Digest"
    _order = "date desc, id desc"
    _rec_name = "date"

    # === Fields === #
    key = fields.Char(required=True, readonly=True, help="Manager and day: one digest each.")
    user_id = fields.Many2one("res.users", string="Manager", required=True, readonly=True, index=True)
    date = fields.Date(required=True, readonly=True, index=True)
    company_ids = fields.Many2many("res.company", string="Companies", readonly=True)
    body_html = fields.Html(string="Digest", readonly=True, sanitize=False)
    item_count = fields.Integer(string="Items", readonly=True)
    mail_id = fields.Many2one("mail.mail", string="Email", readonly=True, ondelete="set null")

    _sql_constraints = [
        ("key_unique", "UNIQUE(key)", "A manager gets one digest a day."),
    ]

    # === Cron === #
    @api.model
    def _cron_send_digests(self):
        """One digest per collection manager and day, for the companies the manager works in."""
        managers = self._managers()
        run = self.env["collection.batch.runner"]._run(
            managers, lambda batch: sum(bool(self._send_digest(manager)) for manager in batch),
            "account_collection_litigation.ir_cron_collection_digest", thread_of=lambda _manager: None,
        )
        done = sum(run.results)
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return done

    # === Business === #
    @api.model
    def _managers(self):
        group = self.env.ref("account_collection_litigation.group_collection_manager").sudo()
        return group.users.filtered(lambda user: user.active and not user.share and user.email
                                    and user.id != self.env.ref("base.user_root").id)

    @api.model
    def _send_digest(self, manager):
        """Build, record and send today's digest of a manager, unless it exists already (then None)."""
        today = self.env["collection.escalation"]._today(manager.company_id)
        key = f"{manager.id}:{today}"
        if self.sudo().search_count([("key", "=", key)], limit=1):
            return None
        previous = self.sudo().search([("user_id", "=", manager.id), ("date", "<", today)], order="date desc",
                                      limit=1).date
        sections = [self._sections(company, today, previous) for company in manager.company_ids]
        sections = [section for section in sections if section["count"]]
        body = self.env["ir.qweb"].with_context(lang=manager.lang)._render(
            "account_collection_litigation.collection_digest_body",
            {"sections": sections, "manager": manager, "date": today},
        )
        # Recorded first, under its unique key: a concurrent runner inserts nothing and sends nothing.
        inserted = self.env["collection.escalation"]._write_rows(self._name, [{
            "key": key, "user_id": manager.id, "date": today, "body_html": str(body),
            "item_count": sum(section["count"] for section in sections),
        }], create=True, skip_existing="key")
        if key not in inserted:
            return None
        digest = self.sudo().browse(inserted[key])
        digest.company_ids = manager.company_ids
        template = self.env.ref("account_collection_litigation.mail_template_collection_digest")
        mail_id = template.sudo().with_context(lang=manager.lang).send_mail(digest.id)
        digest.mail_id = mail_id
        return digest

    @api.model
    def _sections(self, company, today, previous):
        """What a manager reads about one company: each list with its count."""
        yesterday = today - timedelta(days=1)
        since = min(previous + timedelta(days=1), yesterday) if previous else yesterday
        env = self.sudo().with_company(company).env
        files = env["collection.customer"]._search([("company_id", "=", company.id)])
        queries = {
            "overdue": ("account.move", [
                *env["account.move"]._collection_open_domain(), ("company_id", "=", company.id),
                ("invoice_date_due", ">=", since), ("invoice_date_due", "<=", yesterday),
            ], "amount_residual_signed desc, id"),
            "followups": ("mail.activity", [
                ("res_model", "=", "collection.customer"), ("res_id", "in", files), ("date_deadline", "=", today),
            ], "user_id, id"),
            "promises_due": ("collection.pause", [
                ("company_id", "=", company.id), ("reason", "=", "promise"), ("state", "=", "active"),
                ("date_to", "=", today),
            ], "promise_amount desc, id"),
            "broken": ("collection.pause", [
                ("company_id", "=", company.id), ("reason", "=", "promise"), ("state", "=", "broken"),
                ("ended_on", "=", yesterday),
            ], "id"),
            "plans_broken": ("collection.payment.plan", [
                ("company_id", "=", company.id), ("state", "=", "broken"), ("broken_on", "=", yesterday),
            ], "id"),
            "deadlines": ("collection.case.deadline", [
                ("company_id", "=", company.id), ("date", ">=", today), ("date", "<=", today + timedelta(days=30)),
            ], "date, id"),
            "payments": ("account.payment", [
                ("company_id", "=", company.id), ("partner_type", "=", "customer"), ("payment_type", "=", "inbound"),
                ("date", "=", yesterday), ("state", "in", ("in_process", "paid")),
            ], "amount desc, id"),
        }
        section = {"company": company, "currency": company.currency_id, "since": since, "yesterday": yesterday,
                   "today": today}
        for name, (model, domain, order) in queries.items():
            section[name] = env[model].search(domain, order=order, limit=DIGEST_LIMIT)
            section[f"{name}_count"] = env[model].search_count(domain)
        section["collected"] = self.env["collection.ledger"]._settlements(company, yesterday, yesterday).get(
            None, {}).get("collected", 0.0)
        section["count"] = sum(section[f"{name}_count"] for name in queries) + bool(section["collected"])
        return section
