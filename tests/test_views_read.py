from contextlib import contextmanager

import psycopg2.errors
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import CollectionCommon
from .edge_ledger import EdgeLedgerMixin

MODULE = "account_collection_litigation"
# The users of the walk: their groups, as a company would give them.
USERS = {
    "collector": f"{MODULE}.group_collection_collector,account.group_account_invoice",
    "supervisor": f"{MODULE}.group_collection_supervisor,account.group_account_invoice",
    "manager": f"{MODULE}.group_collection_manager,account.group_account_invoice",
    "accountant": "account.group_account_invoice",
    "sales": "base.group_user",                                 # a sales rep: no accounting, no collection rights
    "collector_only": f"{MODULE}.group_collection_collector",   # a collector left without Invoicing rights
    "legal": f"{MODULE}.group_litigation_user,account.group_account_invoice",
    "legal_manager": f"{MODULE}.group_litigation_manager,account.group_account_invoice",
}
PARTNER_VIEWS = {"list": "base.view_partner_tree", "kanban": "base.res_partner_kanban_view",
                 "form": "base.view_partner_form", "search": "base.view_res_partner_filter"}
SUBVIEW_TAGS = ("list", "kanban", "form", "graph", "pivot", "calendar", "search")


def view_spec(model, node):
    """The web client's read specification for the fields of a view node (its sub-views read as their own)."""
    spec = {}
    for field_node in _field_nodes(node):
        field = model._fields.get(field_node.get("name"))
        if not field:
            continue
        entry = {}
        if field.type == "many2one":
            entry = {"fields": {"display_name": {}}}
        elif field.type in ("one2many", "many2many"):
            subview = next((child for child in field_node if child.tag in ("list", "kanban")), None)
            entry = {"fields": view_spec(model.env[field.comodel_name], subview) if subview is not None
                     else {"display_name": {}}}
        spec.setdefault(field.name, {}).update(entry)
    return spec


def _field_nodes(node):
    for child in node:
        if child.tag == "field":
            yield child
        elif child.tag not in SUBVIEW_TAGS:
            yield from _field_nodes(child)


@tagged("post_install", "-at_install")
class TestViewsRead(EdgeLedgerMixin, CollectionCommon):
    """As each kind of user, open every window action of the addon's menus and the customer views, and read every
    record through the fields of each view, on the demo data and on a ledger of edge cases, on a read-only
    transaction as a read replica would serve them: nothing may fail but an AccessError on a menu that user cannot
    see. It discovers the actions from the menus: a new model shown
    in a menu is covered without changing this test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_company = cls.env.ref("base.main_company")
        cls.walk_users = {
            name: new_test_user(cls.env, login=f"walk_{name}", groups=groups, company_id=cls.company.id,
                                company_ids=(cls.company | cls.main_company).ids)
            for name, groups in USERS.items()
        }

    def test_every_view_reads_every_record_for_each_group(self):
        self._build_edge_ledger()
        roots = self._addon_root_menus()
        partner_views = [(self.env.ref(xmlid).id, view_type) for view_type, xmlid in PARTNER_VIEWS.items()]
        reached = {}
        for name, user in self.walk_users.items():
            for company in (self.company, self.main_company):
                env = self.env(user=user, context={"allowed_company_ids": company.ids})
                menus = env["ir.ui.menu"].with_context(**{"ir.ui.menu.full_list": True}).search(
                    [("id", "child_of", roots.ids)])
                visible = self._reachable_menus(env)
                reached[name] = menus & visible
                for menu in menus.filtered(lambda m: m.action and m.action._name == "ir.actions.act_window"):
                    with self.subTest(user=name, company=company.name, menu=menu.complete_name):
                        self._open_action(env, menu.action.sudo(), may_be_refused=menu not in visible)
                with self.subTest(user=name, company=company.name, views="customers"):
                    self._read_views(env["res.partner"].with_context(active_test=False), partner_views, [])
        config = self.env.ref(f"{MODULE}.collection_menu_config")
        self.assertIn(self.env.ref(f"{MODULE}.collection_customer_menu"), reached["collector"])
        self.assertNotIn(config, reached["collector"], "a collector does not configure")
        self.assertIn(config, reached["manager"])
        for name in ("accountant", "sales", "collector_only"):
            self.assertFalse(reached[name], f"{name} sees no Collections menu")

    def test_the_walk_reads_on_a_read_only_transaction(self):
        """What the walk reads through would fail to write, as on a replica; the test's transaction then goes on."""
        with self._read_only(), self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction), \
                mute_logger("odoo.sql_db"):
            self.env.cr.execute("UPDATE res_company SET write_date = write_date WHERE id = %s", [self.company.id])
        self.env.cr.execute("UPDATE res_company SET write_date = write_date WHERE id = %s", [self.company.id])
        self.assertEqual(self.env.cr.rowcount, 1)

    # === The walk === #
    def _addon_root_menus(self):
        menus = self.env["ir.ui.menu"].browse(self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.ui.menu")]).mapped("res_id"))
        roots = menus.filtered(lambda menu: menu.parent_id not in menus)
        self.assertTrue(roots)
        return roots

    def _reachable_menus(self, env):
        """Menus the web client shows to env's user: visible, and so is every menu above them."""
        visible_ids = env["ir.ui.menu"]._visible_menu_ids()
        menus = env["ir.ui.menu"].sudo().browse(visible_ids)

        def reachable(menu):
            while menu:
                if menu.id not in visible_ids:
                    return False
                menu = menu.parent_id
            return True
        return menus.filtered(reachable).sudo(False)

    def _open_action(self, env, action, may_be_refused):
        """Open `action` as the web client would; an AccessError is tolerated only when the menu is hidden."""
        eval_context = self._eval_context(env)
        context = safe_eval(action.context or "{}", eval_context)
        domain = safe_eval(action.domain or "[]", eval_context)
        model = env[action.res_model].with_context(**context)
        views = [(view_id or False, view_type) for view_id, view_type in action.views]
        views.append((action.search_view_id.id or False, "search"))
        try:
            self._read_views(model, views, domain, action_id=action.id)
        except AccessError:
            if not may_be_refused:
                raise
            env.invalidate_all()

    def _read_views(self, model, views, domain, action_id=False):
        with self._read_only():
            self._read_views_of(model, views, domain, action_id)

    @contextmanager
    def _read_only(self):
        """As a read replica serves them: Odoo 18 sends these reads of the web client (get_views, web_search_read,
        web_read, web_read_group, search_count) to a read-only cursor when a replica is configured
        (db_replica_host). One that writes fails there, as on a replica, instead of being retried on the primary.
        PostgreSQL keeps a subtransaction's read-only mode after it is released: it is rolled back. What the test
        wrote before (records and their bus notifications) is flushed first."""
        self.env.cr.flush()
        self.env.cr.execute("SAVEPOINT views_read_only")
        self.env.cr.execute("SET TRANSACTION READ ONLY")
        try:
            yield
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT views_read_only")

    def _read_views_of(self, model, views, domain, action_id):
        # A fresh cache, as each request of the web client has: no record read by another user in it.
        model.env.invalidate_all()
        result = model.get_views(views, {"action_id": action_id, "load_filters": True, "toolbar": True})
        archs = {view_type: etree.fromstring(view["arch"]) for view_type, view in result["views"].items()}
        ids = model.search(domain).ids
        for view_type in ("list", "kanban"):
            if view_type in archs:
                spec = view_spec(model, archs[view_type])
                records = model.web_search_read(domain, spec)["records"]
                self.assertEqual({values["id"] for values in records}, set(ids), view_type)
                if group_by := archs[view_type].get("default_group_by"):
                    model.web_read_group(domain, [], [group_by])
        if "form" in archs:
            model.browse(ids).web_read(view_spec(model, archs["form"]))
        for view_type in ("pivot", "graph"):
            if view_type in archs:
                self._read_groups(model, archs[view_type], domain)
        if "search" in archs:
            self._search_filters(model, archs["search"], domain)

    def _read_groups(self, model, arch, domain):
        """A pivot or graph: its measures grouped by its first row (or the whole domain as one group)."""
        group_by = [node.get("name") for node in arch.iter("field") if node.get("type") != "measure"]
        measures = [model._fields[node.get("name")] for node in arch.iter("field")
                    if node.get("type") == "measure" and node.get("name") in model._fields]
        model.web_read_group(domain, [f"{field.name}:{field.aggregator or 'sum'}" for field in measures], group_by[:1])

    def _search_filters(self, model, arch, domain):
        """Each filter of the search view, as a search (its domain) or a grouping (its group_by)."""
        eval_context = self._eval_context(model.env)
        for node in arch.iter("filter"):
            if node.get("domain"):
                try:
                    filter_domain = safe_eval(node.get("domain"), eval_context)
                except (NameError, AttributeError, ValueError):
                    continue   # written for the web client's evaluator only (e.g. .to_utc()): not ours to emulate
                model.search_count(domain + filter_domain)
            group_by = safe_eval(node.get("context") or "{}", eval_context).get("group_by")
            if group_by:
                model.web_read_group(domain, [], [group_by] if isinstance(group_by, str) else group_by[:1])

    def _eval_context(self, env):
        return {
            **env["ir.actions.actions"]._get_eval_context(),
            "context_today": lambda: fields.Date.context_today(env.user),
            "relativedelta": relativedelta,
            "allowed_company_ids": env.companies.ids,
            "current_company_id": env.company.id,
            "active_id": False, "active_ids": [], "active_model": False,
        }
