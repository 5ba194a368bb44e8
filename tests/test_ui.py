"""Every role's main journey in the web client, as browser tours (static/tests/tours/*.js) in headless Chromium.

The tours run on the demo database of the test command, logged in as the demo user of each role. Without a
browser (or without the websocket-client package Odoo drives it with) they are skipped with a loud line that
`scripts/dev test` repeats at the end of its output."""

import base64
import json
import logging
import os
import unittest
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser, _find_executable

_logger = logging.getLogger(__name__)
# Seconds a tour may take: Odoo's 60 are too few for a whole day's work on a busy two-core test machine.
TOUR_TIMEOUT = 300


def _browser_missing():
    """Why Odoo's HttpCase cannot drive a browser here, or None."""
    try:
        import websocket  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        return "the Python package websocket-client is not installed (scripts/dev setup installs it)"
    try:
        _find_executable()
    except unittest.SkipTest:
        return "no Chromium or Chrome found (Debian: apt-get install chromium; scripts/dev setup does it as root)"
    return None


class _ChromePreconnectFilter(logging.Filter):
    """Chrome opens spare connections it may never use; the test server closes them after 5 s and werkzeug
    logs each as an ERROR "Request timed out", which is no failure of the addon."""

    def filter(self, record):
        return "Request timed out" not in record.getMessage()


# A tour step logs this, then the screenshot's name (static/tests/tours/tour_marks.js, screenshot()).
SCREENSHOT_MARK = "acl-screenshot:"


def _take_screenshots(directory):
    """Patches of Odoo's ChromeBrowser that save a PNG of the page at each screenshot mark of a tour, into
    `directory` (scripts/dev screenshots). The page learns that it should wait for the picture
    (window.aclScreenshots) and that it was taken (window.aclScreenshotTaken)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    init, handle_console = ChromeBrowser.__init__, ChromeBrowser._handle_console

    def __init__(browser, *args, **kwargs):
        init(browser, *args, **kwargs)
        browser._websocket_request("Page.addScriptToEvaluateOnNewDocument",
                                   params={"source": "window.aclScreenshots = true;"})

    def _handle_console(browser, type, args=None, **kwargs):  # pylint: disable=redefined-builtin
        mark = str((args or [{}])[0].get("value", ""))
        if type == "log" and mark.startswith(SCREENSHOT_MARK):
            name = mark.removeprefix(SCREENSHOT_MARK)

            def save(future):
                (directory / f"{name}.png").write_bytes(base64.b64decode(future.result()["data"]))
                _logger.info("screenshot %s saved in %s", name, directory)
                browser._websocket_send("Runtime.evaluate",
                                        params={"expression": f"window.aclScreenshotTaken = {json.dumps(name)};"})

            browser._websocket_send("Page.captureScreenshot", params={"format": "png"},
                                    with_future=True).add_done_callback(save)
        return handle_console(browser, type, args=args, **kwargs)

    return [patch.object(ChromeBrowser, "__init__", __init__),
            patch.object(ChromeBrowser, "_handle_console", _handle_console)]


class TourCase(HttpCase):
    """The demo users' tours; the compliance caps and quiet hours are lifted so that a tour does not depend on
    the hour it runs at (their rules have their own tests).

    With ACL_SCREENSHOTS_DIR set (scripts/dev screenshots), the screenshot marks of the tours are saved there as
    PNG files, and with ACL_SCREENSHOTS_LANG (e.g. zh_CN) the demo users and the company work in that language."""

    browser_size = "1440x1000"

    @classmethod
    def _setup_screenshots(cls):
        if lang := os.environ.get("ACL_SCREENSHOTS_LANG"):
            if not cls.env["res.lang"]._lang_get(lang):
                cls.env["res.lang"]._activate_lang(lang)
                modules = cls.env["ir.module.module"].search([("state", "=", "installed")])
                modules._update_translations(lang)
            demo_users = cls.env["ir.model.data"].search([
                ("module", "=", "account_collection_litigation"), ("model", "=", "res.users")])
            users = cls.env["res.users"].browse(demo_users.mapped("res_id")) | cls.env.ref("base.user_admin")
            (users.partner_id | users.company_ids.partner_id).write({"lang": lang})
        if directory := os.environ.get("ACL_SCREENSHOTS_DIR"):
            for patcher in _take_screenshots(directory):
                patcher.start()
                cls.addClassCleanup(patcher.stop)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if reason := _browser_missing():
            _logger.warning("THE BROWSER TOURS WERE SKIPPED: %s", reason)
            raise unittest.SkipTest(reason)
        if not cls.env.ref("account_collection_litigation.demo_user_collector", raise_if_not_found=False):
            raise unittest.SkipTest("the tours run on the demo data")
        preconnect = _ChromePreconnectFilter()
        logging.getLogger("werkzeug").addFilter(preconnect)
        cls.addClassCleanup(logging.getLogger("werkzeug").removeFilter, preconnect)
        cls._setup_screenshots()
        cls.env["collection.policy"].search([]).write({
            "quiet_hours_start": 0.0, "quiet_hours_end": 0.0,
            "contact_cap_attempts": 0, "contact_cap_connected": 0,
        })


@tagged("post_install", "-at_install")
class TestTours(TourCase):

    def test_collector_day(self):
        """Worklist, a call, a promise with its amount prefilled, a dispute, a payment plan, a letter to review
        and its download."""
        self.start_tour("/odoo", "acl_collector_tour", login="collector", timeout=TOUR_TIMEOUT)
        customer = self.env["collection.customer"].search([
            ("partner_id", "=", self.env.ref("account_collection_litigation.demo_customer_01").id)])
        self.assertTrue(customer.contact_ids.filtered(lambda c: c.outcome == "reached"))
        self.assertTrue(self.env["collection.promise"].search([("customer_id", "=", customer.id)]).amount)
        self.assertTrue(self.env["collection.dispute"].search([("customer_id", "=", customer.id)]))
        self.assertEqual(self.env["collection.payment.plan"].search([("customer_id", "=", customer.id)]).state,
                         "to_approve")
        # the first reminder the tour drafted: the demo's calendar may also have drafted one for this customer when the
        # database was made (its invoice is 5 days overdue), on that day, which the same day's letter reuses
        self.assertEqual(self.env["collection.letter"].search(
            [("customer_id", "=", customer.id), ("kind", "=", "reminder_1")], order="id desc", limit=1).state, "draft")

    def test_sales_rep(self):
        """A sales rep sees the badges of customers in collection and litigation, and cannot open their files,
        their cases, the worklist or the stage setup."""
        self.start_tour("/odoo", "acl_sales_tour", login="sales", timeout=TOUR_TIMEOUT)
        sales = self.env.ref("account_collection_litigation.demo_user_sales")
        case = self.env.ref("account_collection_litigation.demo_case_golden_bridge")
        file = self.env["collection.customer"].search([("partner_id", "=", case.partner_id.id)], limit=1)
        for records in (case, file, self.env["collection.worklist"].search([], limit=1),
                        self.env["collection.stage"].search([], limit=1)):
            with self.subTest(model=records._name), self.assertRaises(AccessError):
                records.with_user(sales).check_access("read")

    def test_collection_manager(self):
        """The KPI dashboard with cards and a chart, the aging chart and pivot, a statement of account, the
        escalation run now and the credit regrading."""
        self.env["collection.credit.rating"].search([]).unlink()
        self.start_tour("/odoo", "acl_manager_tour", login="manager", timeout=TOUR_TIMEOUT)
        self.assertTrue(self.env["collection.credit.rating"].search_count([]), "the regrading rated the customers")
