/** @odoo-module **/

import { registry } from "@web/core/registry";

// The debtor's portal on a phone: promise, dispute, confirm with a signature, ask for a plan, open the payment
// form. Relies on the data of tests/test_portal.py (TestPortalTour).
function pickFirstInvoice() {
    return {
        content: "Choose the first invoice",
        trigger: ".o_collection_invoices input[name=invoice_ids]:first",
        run: "check",
    };
}

registry.category("web_tour.tours").add("collection_portal_tour", {
    url: "/my/collection",
    steps: () => [
        {
            content: "The statement shows the balance",
            trigger: ".o_collection_balance",
        },
        pickFirstInvoice(),
        {
            content: "Promised day",
            trigger: "input[name=date]",
            run: function () {
                const day = new Date(Date.now() + 7 * 86400000);
                this.anchor.value = day.toISOString().slice(0, 10);
            },
        },
        {
            content: "Promised amount",
            trigger: "input[name=amount]",
            run: "edit 100",
        },
        {
            content: "Send the promise",
            trigger: ".o_collection_promise",
            run: "click",
        },
        {
            content: "The promise was sent",
            trigger: ".alert-success:contains(promise)",
        },
        pickFirstInvoice(),
        {
            content: "Reason of the dispute",
            trigger: "select[name=reason_id]",
            run: function () {
                this.anchor.selectedIndex = 1;
            },
        },
        {
            content: "What is wrong",
            trigger: "textarea[name=message]",
            run: "edit The price is not the one agreed.",
        },
        {
            content: "Send the dispute",
            trigger: ".o_collection_dispute",
            run: "click",
        },
        {
            // the page the dispute's post leads to, not the promise's alert still on the screen before it
            content: "The dispute was sent",
            trigger: ".alert-success:contains(Your dispute was sent)",
        },
        {
            content: "Role of the signer",
            trigger: "input[name=role]",
            run: "edit Finance manager",
        },
        {
            content: "Review the figures",
            trigger: ".o_collection_confirm",
            run: "click",
        },
        {
            content: "Type the name",
            trigger: ".o_web_sign_name_input",
            // the review page posts the figures and opens the signature dialog: slow on a loaded machine
            timeout: 30000,
            run: "edit Li Na",
        },
        {
            content: "Sign",
            trigger: ".o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "The balance is confirmed",
            trigger: ".alert-success",
        },
        pickFirstInvoice(),
        {
            content: "First payment of the plan",
            trigger: "input[name=down_payment]",
            run: "edit 300",
        },
        {
            content: "Ask for the plan",
            trigger: ".o_collection_plan",
            run: "click",
        },
        {
            content: "The plan was asked",
            trigger: ".alert-success",
        },
        {
            content: "Pay the whole balance",
            trigger: ".o_collection_pay_all",
            run: "click",
        },
        {
            content: "The payment form is shown",
            trigger: "#o_payment_form",
        },
    ],
});
