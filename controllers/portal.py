from werkzeug.exceptions import NotFound

from odoo import http
from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.http import content_disposition, request

SESSION_TOKEN = "collection_portal_token"
SESSION_FLASH = "collection_portal_flash"
PAY_MODES = ("all", "invoices", "instalment")


class CollectionCustomerPortal(PortalAccount):
    """The debtor's collection page, for portal users of the customer's commercial entity and for visitors
    holding a link. Every route first finds the visitor's customer file (`_collection_visit`); every id it
    receives is then checked against that file before anything is read or written as superuser."""

    # === Visitor === #
    def _collection_visit(self, token=None):
        """{file, token, user, partner, ip, user_agent} of the visitor, or None.

        A link token given in the URL is kept in the session (and the URL cleaned), so that the pages and the
        JSON calls after it need not carry it; an unknown, expired or revoked token opens nothing."""
        tokens = request.env["collection.portal.token"]
        raw = token or request.session.get(SESSION_TOKEN)
        link = tokens._resolve(raw) if raw else tokens
        if raw and not link:
            request.session.pop(SESSION_TOKEN, None)
            if token:
                return None
        user = request.env.user
        if link:
            file = link.customer_id
            link._touch()
        elif not user._is_public():
            file = request.env["collection.customer"].sudo().search([
                ("partner_id", "=", user.partner_id.commercial_partner_id.id),
                ("company_id", "in", user.company_ids.ids),
            ], limit=1)
        else:
            return None
        if not file:
            return None
        return {
            "file": file.sudo(), "token": link, "user": user,
            "partner": user.partner_id if not link else file.partner_id,
            "ip": request.httprequest.remote_addr,
            "user_agent": request.httprequest.user_agent.string if request.httprequest.user_agent else "",
        }

    def _collection_visit_or_404(self, token=None):
        visit = self._collection_visit(token)
        if not visit:
            raise NotFound()
        return visit

    def _collection_env(self, visit):
        """Render in the customer's language (a portal user's own language wins)."""
        lang = visit["user"].lang if not visit["token"] else visit["file"].partner_id.lang
        return request.env(context=dict(request.env.context, lang=lang or request.env.lang))

    def _collection_render(self, visit, template, **values):
        env = self._collection_env(visit)
        request.update_env(context=env.context)
        statement = env["collection.portal"]._statement(visit["file"])
        return request.render(template, {
            **self._prepare_portal_layout_values(), "page_name": "collection", "statement": statement,
            "visit": visit, **(request.session.pop(SESSION_FLASH, None) or {}), **values,
        })

    @staticmethod
    def _collection_act(method, *args):
        """Run a portal action in a savepoint: refused, it leaves nothing half-written. Returns (result, error)."""
        try:
            with request.env.cr.savepoint():
                return getattr(request.env["collection.portal"], method)(*args), None
        except (UserError, ValidationError) as error:
            return None, error.args[0]

    def _collection_back(self, error=None, message=None):
        """Back to the statement, with the outcome kept in the session (never text taken from the URL)."""
        request.session[SESSION_FLASH] = {"error": error} if error else {"message": message}
        return request.redirect("/my/collection")

    @staticmethod
    def _collection_ids(values):
        try:
            return [int(value) for value in values if str(value).strip()]
        except ValueError as error:
            raise NotFound() from error

    # === Home tile === #
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "collection_count" in counters:
            visit = self._collection_visit()
            values["collection_count"] = visit and visit["file"].open_count or 0
        return values

    # === Statement === #
    @http.route("/my/collection", type="http", auth="public", methods=["GET"], website=True, sitemap=False)
    def collection_statement(self, token=None, **kwargs):
        visit = self._collection_visit(token)
        if not visit:
            if token or not request.env.user._is_public():
                raise NotFound()
            return request.redirect("/web/login?redirect=/my/collection")
        if token:
            request.session[SESSION_TOKEN] = token
            return request.redirect("/my/collection")
        request.env["collection.portal"]._log(visit["file"], visit, request.env._("statement opened"),
                                              chatter=False)
        return self._collection_render(visit, "account_collection_litigation.portal_collection_statement")

    @http.route("/my/collection/letter/<int:letter_id>", type="http", auth="public", methods=["GET"],
                sitemap=False)
    def collection_letter(self, letter_id, token=None, **kwargs):
        visit = self._collection_visit_or_404(token)
        portal = request.env["collection.portal"]
        letter = portal._letters(visit["file"]).filtered(lambda rec: rec.id == letter_id)
        if not letter:
            raise NotFound()
        letter._ensure_rendered()
        field, name = ("pdf_file", letter.pdf_filename) if letter.pdf_file else ("document_file",
                                                                                 letter.document_filename)
        content = portal._file_content(letter, field)
        if not content:
            raise NotFound()
        portal._log(visit["file"], visit, request.env._("letter %(letter)s downloaded", letter=letter.name))
        return request.make_response(content, headers=[
            ("Content-Type", "application/pdf" if field == "pdf_file" else "application/octet-stream"),
            ("Content-Disposition", content_disposition(name)),
        ])

    @http.route("/my/collection/confirmation/<int:confirmation_id>/pdf", type="http", auth="public",
                methods=["GET"], sitemap=False)
    def collection_confirmation_pdf(self, confirmation_id, token=None, **kwargs):
        visit = self._collection_visit_or_404(token)
        confirmation = request.env["collection.balance.confirmation"].sudo().search([
            ("id", "=", confirmation_id), ("customer_id", "=", visit["file"].id), ("state", "=", "signed")])
        if not confirmation.attachment_id:
            raise NotFound()
        return request.make_response(confirmation.attachment_id.raw, headers=[
            ("Content-Type", "application/pdf"),
            ("Content-Disposition", content_disposition(confirmation.attachment_id.name)),
        ])

    # === Balance confirmation === #
    @http.route("/my/collection/confirm", type="http", auth="public", methods=["POST"], website=True,
                sitemap=False)
    def collection_confirm(self, role=None, token=None, **kwargs):
        visit = self._collection_visit_or_404(token)
        confirmation, error = self._collection_act("_prepare_confirmation", visit["file"], role, visit)
        if error:
            return self._collection_back(error=error)
        return request.redirect(f"/my/collection/confirm/{confirmation.id}")

    @http.route("/my/collection/confirm/<int:confirmation_id>", type="http", auth="public", methods=["GET"],
                website=True, sitemap=False)
    def collection_confirm_page(self, confirmation_id, token=None, **kwargs):
        visit = self._collection_visit_or_404(token)
        confirmation = self._collection_confirmation(visit, confirmation_id)
        return self._collection_render(visit, "account_collection_litigation.portal_collection_confirm",
                                       confirmation=confirmation, confirmed_figures=confirmation._figures())

    @http.route("/my/collection/confirm/<int:confirmation_id>/sign", type="json", auth="public")
    def collection_confirm_sign(self, confirmation_id, name=None, signature=None, token=None, **kwargs):
        visit = self._collection_visit_or_404(token)
        confirmation = self._collection_confirmation(visit, confirmation_id)
        _result, error = self._collection_act("_sign_confirmation", visit["file"], confirmation, name, signature,
                                              visit)
        if error:
            return {"error": error}
        request.session[SESSION_FLASH] = {"message": "confirmed"}
        return {"force_refresh": True, "redirect_url": "/my/collection"}

    def _collection_confirmation(self, visit, confirmation_id):
        confirmation = request.env["collection.balance.confirmation"].sudo().search([
            ("id", "=", confirmation_id), ("customer_id", "=", visit["file"].id), ("state", "=", "draft")])
        if not confirmation:
            raise NotFound()
        return confirmation

    # === Promise, dispute, plan === #
    @http.route("/my/collection/promise", type="http", auth="public", methods=["POST"], website=True,
                sitemap=False)
    def collection_promise(self, date=None, amount=None, note=None, token=None, **kwargs):
        visit = self._collection_visit_or_404(token)
        move_ids = self._collection_ids(request.httprequest.form.getlist("invoice_ids"))
        _result, error = self._collection_act("_propose_promise", visit["file"], move_ids, date, amount, note, visit)
        return self._collection_back(error=error, message="promise")

    @http.route("/my/collection/dispute", type="http", auth="public", methods=["POST"], website=True,
                sitemap=False)
    def collection_dispute(self, reason_id=None, message=None, token=None, **kwargs):
        visit = self._collection_visit_or_404(token)
        form = request.httprequest
        move_ids = self._collection_ids(form.form.getlist("invoice_ids"))
        uploads = [(upload.filename, upload.read(), upload.mimetype or "application/octet-stream")
                   for upload in form.files.getlist("attachments") if upload.filename]
        _result, error = self._collection_act("_raise_dispute", visit["file"], move_ids, reason_id, message, uploads,
                                              visit)
        return self._collection_back(error=error, message="dispute")

    @http.route("/my/collection/plan", type="http", auth="public", methods=["POST"], website=True,
                sitemap=False)
    def collection_plan(self, down_payment=None, instalments=None, token=None, **kwargs):
        visit = self._collection_visit_or_404(token)
        move_ids = self._collection_ids(request.httprequest.form.getlist("invoice_ids"))
        _result, error = self._collection_act("_request_plan", visit["file"], move_ids, down_payment, instalments,
                                              visit)
        return self._collection_back(error=error, message="plan")

    # === Payment === #
    @http.route("/my/collection/pay", type="http", auth="public", methods=["GET"], website=True, sitemap=False)
    def collection_pay(self, mode="all", token=None, **kwargs):
        visit = self._collection_visit_or_404(token)
        if mode not in PAY_MODES:
            raise NotFound()
        move_ids = self._collection_ids(request.httprequest.args.getlist("invoice_ids"))
        try:
            moves, amount = request.env["collection.portal"]._payment_selection(visit["file"], mode, move_ids)
        except UserError as error:
            return self._collection_back(error=error.args[0])
        file = visit["file"]
        ids_part = "-".join(str(i) for i in moves.ids) if mode == "invoices" else "0"
        payment_values = self._get_common_page_view_values(
            invoices_data={
                "partner": file.partner_id, "company": file.company_id, "total_amount": amount,
                "currency": moves.currency_id, "amount_residual": amount,
                "payment_reference": moves[:1].name if len(moves) == 1 else False,
                "landing_route": "/my/collection",
                "transaction_route": f"/my/collection/transaction/{mode}/{ids_part}",
            },
        )
        return self._collection_render(visit, "account_collection_litigation.portal_collection_pay",
                                       pay_moves=moves, pay_amount=amount, pay_mode=mode,
                                       amount=amount, **payment_values)

    @http.route("/my/collection/transaction/<string:mode>/<string:ids_part>", type="json", auth="public")
    def collection_transaction(self, mode, ids_part, access_token=None, token=None, **kwargs):
        """Create the transaction for what the debtor chose; the amount is the server's, never the browser's."""
        visit = self._collection_visit_or_404(token)
        if mode not in PAY_MODES:
            raise NotFound()
        move_ids = self._collection_ids(ids_part.split("-")) if mode == "invoices" else []
        moves, amount = request.env["collection.portal"]._payment_selection(visit["file"], mode, move_ids)
        kwargs.pop("amount", None)
        self._validate_transaction_kwargs(kwargs)
        partner = visit["user"].partner_id if not visit["token"] and not visit["user"]._is_public() \
            else visit["file"].partner_id
        tx_sudo = self._create_transaction(
            amount=amount, currency_id=moves.currency_id.id, partner_id=partner.id,
            custom_create_values={"invoice_ids": [Command.set(moves.ids)],
                                  "collection_customer_id": visit["file"].id},
            **kwargs,
        )
        request.env["collection.portal"]._log(visit["file"], visit, request.env._(
            "online payment of %(amount)s started (%(reference)s)",
            amount=moves.currency_id.format(amount), reference=tx_sudo.reference))
        return tx_sudo._get_processing_values()
