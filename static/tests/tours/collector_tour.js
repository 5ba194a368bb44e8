/** The collector's day: My Worklist → a call → a promise (amount prefilled) → a dispute → a payment plan →
 * a letter that waits for review → its download. Run by tests/test_ui.py as the demo user "collector". */
import { registry } from "@web/core/registry";
import { contains, screenshot } from "./tour_marks";

const CUSTOMER = "Huaxin Building Materials";
const ROW = `.o_data_row:contains("${CUSTOMER}")`;

function assertFilled(selector, what) {
    return {
        trigger: selector,
        content: `${what} is prefilled`,
        run() {
            const value = (this.anchor.value || "").replace(/[^0-9.,]/g, "");
            if (!value || !/[1-9]/.test(value)) {
                throw new Error(`${what} is empty: "${this.anchor.value}"`);
            }
        },
    };
}

function pickFirst(fieldSelector) {
    return [
        { trigger: `${fieldSelector} input`, run: "click" },
        { trigger: ".o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a", run: "click" },
    ];
}

registry.category("web_tour.tours").add("acl_collector_tour", {
    url: "/odoo/action-account_collection_litigation.collection_worklist_action_my",
    steps: () => [
        { trigger: ROW, content: "the customer is on the worklist" },
        screenshot("collector_worklist"),
        // A call that reached the customer.
        { trigger: `${ROW} button[name="action_work_call"]`, content: "Call the customer", run: "click" },
        { trigger: '.modal div[name="outcome"] select', run: 'select "reached"' },
        { trigger: '.modal div[name="note"] textarea', run: "edit Spoke with Wang Lei: payment run next week." },
        screenshot("collector_call"),
        { trigger: '.modal button[name="action_confirm"]', run: "click" },
        // A promise to pay: the amount is the claim, the date a week ahead.
        { trigger: `body:not(:has(.modal)) ${ROW} button[name="action_work_promise"]`, run: "click" },
        assertFilled('.modal div[name="promise_amount"] input', "The promised amount"),
        assertFilled('.modal div[name="promise_date"] input', "The promised date"),
        { trigger: '.modal button[name="action_confirm"]', run: "click" },
        // A dispute about one invoice, with its reason.
        { trigger: `body:not(:has(.modal)) ${ROW} button[name="action_work_dispute"]`, run: "click" },
        { trigger: '.modal div[name="objection_id"] input', run: "click" },
        {
            trigger: `.o-autocomplete--dropdown-item a${contains("Product quality problem", { zh_CN: "产品质量问题" })}`,
            run: "click",
        },
        ...pickFirst('.modal div[name="dispute_move_ids"]'),
        { trigger: '.modal div[name="dispute_move_ids"] .o_tag', content: "an invoice is disputed" },
        { trigger: '.modal button[name="action_confirm"]', run: "click" },
        // A payment plan over an invoice, submitted.
        { trigger: `body:not(:has(.modal)) ${ROW} button[name="action_work_plan"]`, run: "click" },
        ...pickFirst('.o_form_view div[name="move_ids"]'),
        { trigger: '.o_form_view div[name="move_ids"] .o_tag' },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: '.o_form_view button[name="action_submit"]', run: "click" },
        { trigger: '.o_form_view:not(:has(button[name="action_submit"]))', content: "the plan is submitted" },
        {
            trigger: `.o_breadcrumb .breadcrumb-item a${contains("My Worklist", { zh_CN: "我的工作清单" })}`,
            run: "click",
        },
        // A first reminder: drafted, it waits for review; the collector downloads it.
        { trigger: `${ROW} button[name="action_work_letter"]`, run: "click" },
        { trigger: '.modal div[name="kind"] select', run: 'select "reminder_1"' },
        { trigger: '.modal button[name="action_generate"]', run: "click" },
        {
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value="draft"]',
            content: "the letter waits for review",
        },
        screenshot("collector_letter"),
        { trigger: '.o_form_view div[name="document_file"] .o_download_file_button, .o_form_view div[name="document_file"] a.o_form_uri', run: "click" },
        { trigger: ".o_form_view:not(:has(.o_error_dialog))", content: "the download did not fail" },
    ],
});
