from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.authority import AuthorityRow, covers, lowest_level, may_approve

APPROVAL_KINDS = [
    ("instalment_plan", "Instalment plan"),
    ("extension", "Extension"),
    ("interest_waiver", "Interest waiver"),
    ("settlement_in_kind", "Settlement in kind"),
    ("guarantee", "Third-party guarantee"),
    ("restructuring", "Restructuring"),
    ("write_off", "Write-off"),
    ("stop_loss", "Stop-loss decision"),
]
MODULE = "account_collection_litigation"
# The brief's defaults ("Authority by amount"): the collector up to 100,000, the supervisor up to 500,000 and small
# extensions, the director up to 1,000,000 and instalment plans, the general manager above. Settlements, interest
# waivers and write-offs follow the same levels (the brief's own choice). (group, sequence, kinds, limit).
_EVERYDAY = ("interest_waiver", "settlement_in_kind", "guarantee", "restructuring", "write_off", "stop_loss")
DEFAULT_MATRIX = [
    ("group_collection_collector", 10, _EVERYDAY, 100_000.0),
    ("group_collection_supervisor", 20, (*_EVERYDAY, "extension"), 500_000.0),
    ("group_collection_director", 40, (*_EVERYDAY, "extension", "instalment_plan"), 1_000_000.0),
    ("group_collection_general_manager", 50, (False,), 0.0),
]


class CollectionAuthority(models.Model):
    """One line of a company's authority matrix: a level may approve arrangements of a kind up to an amount."""

    _name = "collection.authority"
    _description = "Collection Authority"
    _order = "company_id, sequence, kind, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    # === Fields === #
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    group_id = fields.Many2one(
        "res.groups", string="Level", required=True, ondelete="cascade",
        domain=lambda self: [("category_id", "=", self.env.ref(f"{MODULE}.module_category_collection").id)],
        help="Members of this group, and of every group above it, hold this authority.",
    )
    sequence = fields.Integer(default=10, help="Order of the levels, lowest first: who is asked to approve.")
    kind = fields.Selection(APPROVAL_KINDS, string="Arrangement", help="Leave empty: every kind of arrangement.")
    unlimited = fields.Boolean(string="Without Limit")
    amount_limit = fields.Monetary(string="Up To", currency_field="currency_id",
                                   help="Largest amount this level approves, in the company's currency.")

    _sql_constraints = [
        ("amount_limit_positive", "CHECK(amount_limit >= 0)", "An authority limit cannot be negative."),
    ]

    # === Compute === #
    @api.depends("group_id", "kind", "amount_limit", "unlimited")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for row in self:
            limit = self.env._("no limit") if row.unlimited else row.currency_id.format(row.amount_limit)
            row.display_name = f"{row.group_id.name or ''}: {kinds.get(row.kind) or self.env._('all')} · {limit}"

    # === Constraints === #
    @api.constrains("unlimited", "amount_limit")
    def _check_limit(self):
        if any(not row.unlimited and not row.amount_limit for row in self):
            raise ValidationError(self.env._("Give the level an amount limit, or set it without limit."))

    # === Business === #
    @api.model
    def _create_company_defaults(self, companies):
        """The brief's matrix for each of these companies that has none yet (from res.company: install, update,
        a new company)."""
        model = self.sudo()
        have = model.search([("company_id", "in", companies.ids)]).company_id
        vals_list = []
        for company in companies - have:
            for xmlid, sequence, kinds, limit in DEFAULT_MATRIX:
                group = self.env.ref(f"{MODULE}.{xmlid}")
                vals_list += [{"company_id": company.id, "group_id": group.id, "sequence": sequence, "kind": kind,
                               "amount_limit": limit, "unlimited": not limit} for kind in kinds]
        return model.create(vals_list)

    @api.model
    def _matrix(self, company):
        """The company's matrix as plain rows (the nearest company of a branch that has one)."""
        rows = self.sudo().search([("company_id", "parent_of", company.id)])
        if not rows:
            return []   # nobody may approve: every company gets its matrix when it is created
        nearest = max(rows.company_id, key=lambda c: len(c.parent_path or ""))
        return [
            AuthorityRow(row.group_id.id, row.sequence, row.kind or None,
                         None if row.unlimited else Decimal(str(row.amount_limit)))
            for row in rows if row.company_id == nearest
        ]

    @api.model
    def _authority_check(self, kind, amount, user=None, company=None):
        """Whether `user` (default: the current user) may approve an arrangement of `kind` for `amount`, in the
        currency of `company` (default: the current company). The superuser may approve everything.

        The interest waiver and the write-off ask it too: e.g.
        ``self.env["collection.authority"]._authority_check("interest_waiver", amount_in_company_currency)``."""
        user = user or self.env.user
        company = company or self.env.company
        if user._is_superuser():
            return True
        # groups_id holds the implied groups too: a director holds the supervisor's and the collector's rows
        return may_approve(self._matrix(company), user.sudo().groups_id.ids, kind, amount)

    @api.model
    def _required_level(self, kind, amount, company=None):
        """The lowest row of the matrix that covers `kind` for `amount`, as (group, limit or None), or None."""
        company = company or self.env.company
        row = lowest_level(self._matrix(company), kind, amount)
        return row and (self.env["res.groups"].sudo().browse(row.level), row.limit)

    @api.model
    def _approvers(self, kind, amount, company=None, prefer=None, exclude=None, group=None):
        """Users of the lowest level that may approve (`prefer` first when they may), or an empty recordset.
        `exclude` (the requester: four eyes) is never one of them; with `group` (an xmlid) only its members are."""
        company = company or self.env.company
        prefer = prefer or self.env["res.users"]
        exclude = exclude or self.env["res.users"]

        def allowed(users):
            users -= exclude
            return users.filtered(lambda user: user.has_group(group)) if group else users

        if allowed(prefer) and self._authority_check(kind, amount, prefer, company):
            return prefer
        matrix = self._matrix(company)
        able = [row for row in matrix if covers(row, kind, amount)]
        for row in sorted(able, key=lambda row: (row.rank, row.limit is None, row.limit or 0)):
            users = allowed(self.env["res.users"].sudo().search([
                ("groups_id", "in", row.level), ("share", "=", False), ("company_ids", "in", company.id),
                ("id", "!=", self.env.ref("base.user_root").id),
            ], order="id"))
            # members of a higher level (the general manager is a director too) only when nobody holds just this one
            higher = {other.level for other in matrix if other.rank > row.rank}
            if users:
                return users.filtered(lambda user, higher=higher: not higher & set(user.groups_id.ids)) or users
        return self.env["res.users"]
