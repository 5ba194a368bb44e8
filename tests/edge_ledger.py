"""A ledger of the edge cases of the collection status, shared by the status and the views tests."""

from odoo import Command, fields

# Customer name: the status a sales rep must read for it (None: no fixed value, only the invariants apply).
EDGE_STATUSES = {
    "Edge Overdue": "overdue",
    "Edge Held": "hold",
    "Edge Litigation": "litigation",
    "Edge Paused": "paused",
    "Edge Credited": "good",        # overdue, fully covered by an open credit note
    "Edge Below Minimum": "good",   # overdue, below the policy's minimum amount
    "Edge Paid": "good",            # was overdue, paid since
    "Edge No Invoice": "good",      # no collection file at all
    "Edge Archived": "overdue",     # an archived customer keeps its file and its status
    "Edge Unchecked": None,         # file created by the posting, never escalated yet (empty figures)
}


class EdgeLedgerMixin:
    """Builds EDGE_STATUSES on the company of CollectionCommon (call from a test or setUp)."""

    def _build_edge_ledger(self):
        self.policy.write({
            "minimum_amount": 100.0,
            "interest_rule_id": self.env.ref("account_collection_litigation.collection_interest_rule_prc_lpr").id,
        })
        partners = {name: self._customer(name) for name in EDGE_STATUSES}
        partners["Edge Overdue Contact"] = self.env["res.partner"].create({
            "name": "Edge Overdue Contact", "parent_id": partners["Edge Overdue"].id, "type": "invoice",
        })
        moves = dict(zip(
            ["Edge Overdue", "Edge Held", "Edge Litigation", "Edge Paused", "Edge Credited", "Edge Below Minimum",
             "Edge Paid", "Edge Archived", "Edge Unchecked"],
            self._invoices([
                (partners["Edge Overdue"], 10, 500.0), (partners["Edge Held"], 65, 800.0),
                (partners["Edge Litigation"], 100, 900.0), (partners["Edge Paused"], 40, 700.0),
                (partners["Edge Credited"], 40, 1000.0), (partners["Edge Below Minimum"], 40, 50.0),
                (partners["Edge Paid"], 40, 300.0), (partners["Edge Archived"], 20, 400.0),
                (partners["Edge Unchecked"], 40, 600.0),
            ]), strict=True,
        ))
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": partners["Edge Credited"].id, "company_id": self.company.id,
            "invoice_date": fields.Date.context_today(self.env.user),
            "invoice_line_ids": [Command.create({"name": "Returned goods", "quantity": 1, "price_unit": 1000.0,
                                                 "tax_ids": [Command.clear()]})],
        })
        refund.action_post()
        self._pay(moves["Edge Paid"], 300.0)
        self.env["collection.pause"].create([
            {"partner_id": partners["Edge Paused"].id, "reason": "excluded", "note": "Key account"},
            {"partner_id": partners["Edge Litigation"].id, "reason": "litigation", "note": "Case filed"},
        ])
        self.env["collection.interest.waiver"].create({
            "move_id": moves["Edge Held"].id, "share": 10.0, "reason": "Goodwill on a long-standing account",
        })
        self.env["collection.group.pause"].create({   # a draft: pauses nobody, but has a form to read
            "name": "Typhoon", "reason": "disaster", "date_to": fields.Date.context_today(self.env.user),
            "partner_ids": [Command.set(partners["Edge Overdue"].ids)],
        })
        for name, partner in partners.items():
            if name not in ("Edge No Invoice", "Edge Unchecked", "Edge Overdue Contact"):
                self._escalate(partner)
        partners["Edge Archived"].action_archive()
        return partners
