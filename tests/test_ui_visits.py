"""The collector's field visit in the web client, on a phone (static/tests/tours/visit_tour.js)."""

from unittest.mock import patch

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser

from .test_ui import TOUR_TIMEOUT, TourCase

MODULE = "account_collection_litigation"
# The customer's building, and where the phone is when its collector checks in: 59 m up the street.
SITE = (31.2304, 121.4737)
PHONE = (31.2309, 121.4739)


@tagged("post_install", "-at_install")
class TestVisitTours(TourCase):
    # An iPhone 13's screen, with touch: the web client lays itself out for a phone.
    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        init = ChromeBrowser.__init__

        def __init__(browser, *args, **kwargs):
            """The phone's position as its GPS would give it, which the page reads with the browser's
            geolocation API once the user allowed it (Chrome DevTools protocol)."""
            init(browser, *args, **kwargs)
            browser._websocket_request("Browser.grantPermissions", params={"permissions": ["geolocation"]})
            browser._websocket_request("Emulation.setGeolocationOverride", params={
                "latitude": PHONE[0], "longitude": PHONE[1], "accuracy": 12})

        patcher = patch.object(ChromeBrowser, "__init__", __init__)
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        # a customer of the demo collector's worklist, whose address has coordinates
        cls.collector = cls.env.ref(f"{MODULE}.demo_user_collector")
        customer = cls.env.ref(f"{MODULE}.demo_customer_01")
        customer.write({"partner_latitude": SITE[0], "partner_longitude": SITE[1]})
        cls.file = cls.env["collection.customer"].search([("partner_id", "=", customer.id)], limit=1)

    def test_collector_visits_a_customer_from_a_phone(self):
        self.assertEqual(self.file.user_id, self.collector)
        self.start_tour(f"/odoo/action-{MODULE}.collection_worklist_action_my", "acl_field_visit_tour",
                        login="collector", timeout=TOUR_TIMEOUT)

        self.env.invalidate_all()
        visit = self.env["collection.visit"].search([("customer_id", "=", self.file.id)])
        collector = self.collector
        self.assertEqual((visit.user_id, visit.purpose), (collector, "Collect the signed cheque"),
                         "planned from the worklist for its collector")
        self.assertEqual((visit.state, visit.outcome), ("done", "promise"))
        self.assertEqual((visit.latitude, visit.longitude, visit.distance), (PHONE[0], PHONE[1], 59.0))
        self.assertEqual((visit.contact_id.channel, visit.contact_id.user_id), ("visit", collector))
        self.assertIn("cheque is signed on Friday", visit.contact_id.note)
        self.assertTrue(visit.contact_id.promise_ids, "the promise to pay is recorded")

    def test_customer_signs_the_balance_on_the_collectors_phone(self):
        # planned at the office by the supervisor; the collector checked in on arriving
        visit = self.env["collection.visit"].with_user(self.env.ref(f"{MODULE}.demo_user_supervisor")).create({
            "customer_id": self.file.id, "user_id": self.collector.id, "purpose": "Have the balance signed"})
        visit.with_user(self.collector).action_check_in(latitude=PHONE[0], longitude=PHONE[1], accuracy=12.0)

        self.start_tour(f"/odoo/action-{MODULE}.collection_visit_action", "acl_visit_balance_tour",
                        login="collector", timeout=TOUR_TIMEOUT)

        self.env.invalidate_all()
        confirmation = visit.confirmation_id
        self.assertEqual((confirmation.state, confirmation.signer_name, confirmation.signer_role),
                         ("signed", "Wang Lei", "Finance manager"))
        self.assertEqual(confirmation.token_id, visit.portal_token_id, "signed through the visit's own link")
        self.assertTrue(confirmation.limitation_event_id, "the debtor's acknowledgment interrupts limitation")
        self.assertEqual(visit.state, "on_site", "the collector still logs what was said")
