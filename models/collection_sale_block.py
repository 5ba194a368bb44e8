from collections import defaultdict

from odoo import api, fields, models

# Statuses on which new quotations are blocked (Sales' partner warning), in the order the message names them.
BLOCKING_STATUSES = ("litigation", "written_off", "blacklisted", "hold")


class CollectionSaleBlock(models.Model):
    """A customer whose quotations the collection status blocks, and the Sales warning it had before.

    Without making Sales a dependency: when the Sales app is installed (res.partner has `sale_warn`), a customer
    on credit hold, blacklisted, written off or in litigation in any company gets a blocking warning on new
    quotations; the warning it had is kept here and given back when the status clears (unless someone changed it
    meanwhile)."""

    _name = "collection.sale.block"
    _description = "Collection: Blocked Quotations"
    _rec_name = "partner_id"

    # === Fields === #
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    status = fields.Char(readonly=True, help="The collection status that blocks the quotations.")
    message = fields.Text(readonly=True, help="The warning set on the customer.")
    saved_warn = fields.Char(string="Previous Warning", readonly=True)
    saved_message = fields.Text(string="Previous Message", readonly=True)

    _sql_constraints = [
        ("partner_unique", "UNIQUE(partner_id)", "A customer is blocked once."),
    ]

    # === Cron === #
    @api.model
    def _cron_sync_sale_warnings(self):
        changed = 0
        if self._sale_installed():
            blocking = self._blocking_statuses()
            customers = self.env["res.partner"].sudo().with_context(active_test=False).browse(list(blocking))
            changed = sum(self.env["collection.batch.runner"]._run(
                customers | self.sudo().search([], limit=None).partner_id,
                lambda partners: self._sync_sale_warnings(partners, blocking),
                "account_collection_litigation.ir_cron_collection_sale_warnings",
            ).results)
        self.env["ir.cron"]._notify_progress(done=changed, remaining=0)

    # === Business === #
    @api.model
    def _sale_installed(self):
        return "sale_warn" in self.env["res.partner"]._fields

    @api.model
    def _blocking_statuses(self):
        """{commercial partner id: its most serious blocking status in any company}."""
        partners = self.env["res.partner"].sudo()
        found = {}
        for company in self.env["res.company"].sudo().search([], limit=None):   # a handful
            for status in BLOCKING_STATUSES:
                for partner in partners.with_company(company).with_context(active_test=False).search(
                        [("parent_id", "=", False), ("collection_status", "=", status)]):
                    previous = found.get(partner.id)
                    if previous is None or BLOCKING_STATUSES.index(status) < BLOCKING_STATUSES.index(previous):
                        found[partner.id] = status
        return found

    @api.model
    def _sync_sale_warnings(self, customers=None, blocking=None):
        """Block the quotations of the customers whose status calls for it, give back the warnings of those whose
        status cleared; returns how many customers changed. A no-op without the Sales app.

        `customers` restricts it to these commercial partners, `blocking` gives their statuses read already."""
        if not self._sale_installed():
            return 0
        partners = self.env["res.partner"].sudo().with_context(active_test=False)
        blocking = self._blocking_statuses() if blocking is None else blocking
        domain = []
        if customers is not None:
            blocking = {partner_id: blocking[partner_id] for partner_id in customers.ids if partner_id in blocking}
            domain = [("partner_id", "in", customers.ids)]
        blocks = self.sudo().search(domain, limit=None)   # the customers blocked now: few
        blocked = {block.partner_id.id: block for block in blocks}
        labels = dict(partners._fields["collection_status"]._description_selection(self.env))

        cleared = blocks.filtered(lambda block: block.partner_id.id not in blocking)
        restore = defaultdict(list)
        for block in cleared:
            partner = block.partner_id
            if partner.sale_warn == "block" and (partner.sale_warn_msg or "") == (block.message or ""):
                restore[(block.saved_warn or "no-message", block.saved_message or False)].append(partner.id)
        for (warn, message), partner_ids in restore.items():
            partners.browse(partner_ids).write({"sale_warn": warn, "sale_warn_msg": message})
        cleared.unlink()

        to_block = defaultdict(list)
        new_blocks = []
        for partner in partners.browse(list(blocking)):
            status = blocking[partner.id]
            message = self.env._(
                "Collections: %(customer)s is %(status)s. No new sale on credit: ask the collection team.",
                customer=partner.name, status=labels[status].lower(),
            )
            block = blocked.get(partner.id)
            if block and block.status == status:
                continue
            if block:
                block.write({"status": status, "message": message})
            else:
                new_blocks.append({"partner_id": partner.id, "status": status, "message": message,
                                   "saved_warn": partner.sale_warn, "saved_message": partner.sale_warn_msg})
            to_block[message].append(partner.id)
        self.sudo().create(new_blocks)
        for message, partner_ids in to_block.items():
            partners.browse(partner_ids).write({"sale_warn": "block", "sale_warn_msg": message})
        return len(cleared) + sum(len(ids) for ids in to_block.values())
