from collections import defaultdict

from odoo import api, models

MODULE = "account_collection_litigation"


class ReportCollectionStatement(models.AbstractModel):
    """Statement of account of customers (res.partner), in the current company."""

    _name = f"report.{MODULE}.report_statement_partner"
    _description = "Collection: Customer Statement of Account"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["res.partner"].browse(docids)
        company = self.env.company
        statements = self._statements(docs.commercial_partner_id, company)
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": docs,
            "statements": [statements[doc.commercial_partner_id.id] for doc in docs],
        }

    @api.model
    def _statements(self, partners, company, as_of=None):
        """{commercial partner id: statement} as of a day (today): its open invoices with the interest claimable,
        its unapplied credits (credit notes, payments), and totals per currency and in the company currency.

        Read as superuser within one company: the collection team prints statements of invoices it may not be
        allowed to open one by one (the report itself is for the collection team only)."""
        self.env["account.move"]._collection_check_team()
        as_of = as_of or self.env["collection.escalation"]._today(company)
        lines = self.env["account.move.line"].sudo().search([
            ("company_id", "=", company.id), ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"), ("reconciled", "=", False),
            ("amount_residual", "!=", 0), ("date", "<=", as_of),
            ("partner_id.commercial_partner_id", "in", partners.ids),
        ], order="date_maturity, date, id")
        invoice_lines = lines.filtered(lambda line: line.amount_residual > 0)
        interest_moves = invoice_lines.move_id.filtered(lambda move: move.move_type == "out_invoice")
        interest = interest_moves._collection_interest(as_of, raise_errors=False)
        company_currency = company.currency_id

        statements = {partner.id: self._empty_statement(partner.sudo(), company, as_of) for partner in partners}
        for move, move_lines in invoice_lines.grouped("move_id").items():
            statement = statements[move_lines[0].partner_id.commercial_partner_id.id]
            due = min(move_lines.mapped(lambda line: line.date_maturity or line.date))
            claimable = interest.get(move.id, {}).get("claimable", 0.0)
            row = {
                "move": move, "name": move.name, "ref": move.ref or "", "date": move.invoice_date or move.date,
                "due": due, "days_overdue": max(0, (as_of - due).days), "currency": move_lines.currency_id[:1],
                "amount_total": move.amount_total if move.is_invoice() else sum(move_lines.mapped("amount_currency")),
                "residual": sum(move_lines.mapped("amount_residual_currency")),
                "residual_company": sum(move_lines.mapped("amount_residual")),
                "interest": claimable,
                "interest_company": move.currency_id._convert(claimable, company_currency, company, as_of),
            }
            statement["invoices"].append(row)
        for line in lines - invoice_lines:
            statement = statements[line.partner_id.commercial_partner_id.id]
            statement["credits"].append({
                "move": line.move_id, "name": line.move_id.name, "ref": line.move_id.ref or line.name or "",
                "date": line.date, "currency": line.currency_id,
                "residual": line.amount_residual_currency, "residual_company": line.amount_residual,
            })
        for statement in statements.values():
            self._add_totals(statement)
        return statements

    @api.model
    def _empty_statement(self, partner, company, as_of):
        file = self.env["collection.customer"].sudo().search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id)], limit=1)
        return {
            "partner": partner, "company": company, "currency": company.currency_id, "as_of": as_of,
            "collector": file.user_id or file.policy_id.collector_id, "invoices": [], "credits": [],
            "by_currency": [], "totals": {},
        }

    @api.model
    def _add_totals(self, statement):
        totals_by_currency = defaultdict(lambda: dict.fromkeys(("open", "overdue", "credits", "interest"), 0.0))
        company_totals = dict.fromkeys(("open", "overdue", "credits", "interest"), 0.0)
        for row in statement["invoices"]:
            overdue = row["days_overdue"] > 0
            for totals, suffix in ((totals_by_currency[row["currency"]], ""), (company_totals, "_company")):
                totals["open"] += row["residual" + suffix]
                totals["overdue"] += row["residual" + suffix] if overdue else 0.0
                totals["interest"] += row["interest" + suffix]
        for row in statement["credits"]:
            totals_by_currency[row["currency"]]["credits"] += row["residual"]
            company_totals["credits"] += row["residual_company"]
        for totals in (*totals_by_currency.values(), company_totals):
            totals["balance"] = totals["open"] + totals["credits"]
            totals["claim"] = totals["balance"] + totals["interest"]
        statement["by_currency"] = [
            {"currency": currency, **totals}
            for currency, totals in sorted(totals_by_currency.items(), key=lambda item: item[0].name)
        ]
        statement["totals"] = company_totals


class ReportCollectionStatementCustomer(models.AbstractModel):
    """Statement of account printed from a customer's collection file, in the file's company."""

    _name = f"report.{MODULE}.report_statement_customer"
    _inherit = f"report.{MODULE}.report_statement_partner"
    _description = "Collection: Customer File Statement of Account"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["collection.customer"].browse(docids)
        statements = {}
        for company, files in docs.grouped("company_id").items():
            statements[company.id] = self._statements(files.partner_id, company)
        return {
            "doc_ids": docids,
            "doc_model": "collection.customer",
            "docs": docs,
            "statements": [statements[doc.company_id.id][doc.partner_id.id] for doc in docs],
        }
