/** The legal user's journey: a customer in the Legal stage → a case → evidence → the lawyer engaged and the lawyer
 * letter → a preservation measure → filed → a hearing → a judgment whose deadlines show on the saved decision, in
 * the deadline list and as activities → enforcement → a statement of claim, opened → the case summary printed; and a
 * German case's payment order with the deadlines it sets.
 * Run by tests/test_ui_legal.py as the demo user "legal", in English and in Chinese: the selectors are field and
 * button names, the texts typed are names of the demo data, never labels of the interface. */
import { registry } from "@web/core/registry";
import { localization } from "@web/core/l10n/localization";

const { DateTime } = luxon;

const CUSTOMER = "Jade Garden Restaurants";
const JUDGMENT = "2026粤0304民初88号";
const PAYMENT_ORDER = "26-0123456-0-1";
const NO_MODAL = "body:not(:has(.modal))";

/** Today (plus days) as the user types a date, or a date and time, in their language. */
function dateText(days = 0, withTime = false) {
    const day = DateTime.now().plus({ days });
    return withTime ? day.set({ hour: 9, minute: 30 }).toFormat(localization.dateTimeFormat)
        : day.toFormat(localization.dateFormat);
}

function pick(fieldSelector, text) {
    return [
        { trigger: `${fieldSelector} input`, run: `edit ${text}` },
        { trigger: `.o-autocomplete--dropdown-item a:contains("${text}")`, run: "click" },
    ];
}

function openTab(name) {
    return { trigger: `.o_form_view .o_notebook a[name="${name}"]`, run: "click" };
}

function addLine(field) {
    return { trigger: `.o_form_view div[name="${field}"] .o_field_x2many_list_row_add a`, run: "click" };
}

const saveDialog = [
    { trigger: ".modal .o_form_button_save", run: "click" },
    { trigger: NO_MODAL, content: "the dialog is closed" },
];

/** A file chosen in the binary field's file picker, as the browser gives it. */
function upload(fieldSelector, name, content) {
    return {
        trigger: `${fieldSelector} .o_select_file_button`,
        content: `upload ${name}`,
        run() {
            const input = this.anchor.closest(".o_field_binary").querySelector("input[type=file]");
            const transfer = new DataTransfer();
            transfer.items.add(new File([content], name, { type: "application/pdf" }));
            input.files = transfer.files;
            input.dispatchEvent(new Event("change", { bubbles: true }));
        },
    };
}

/** The text of a read-only field is not empty. */
function filled(selector, what) {
    return {
        trigger: selector,
        content: `${what} is shown`,
        run() {
            if (!this.anchor.textContent.trim() && !(this.anchor.querySelector("input") || {}).value) {
                throw new Error(`${what} is blank`);
            }
        },
    };
}

function legalJourney() {
    return [
        // A customer the collection stages handed over to Legal: a case for its overdue invoices.
        { trigger: `.o_data_row:contains("${CUSTOMER}") .o_data_cell:first`, run: "click" },
        { trigger: '.o_form_view button[name="action_open_case_wizard"]', run: "click" },
        { trigger: '.modal div[name="move_ids"] .o_data_row', content: "the overdue invoices are proposed" },
        { trigger: '.modal button[name="action_confirm"]', run: "click" },
        // The lawyer engaged, the court named.
        { trigger: `${NO_MODAL} .o_form_view div[name="line_ids"] .o_data_row`, content: "the case claims them" },
        ...pick('.o_form_view div[name="lawyer_id"]', "Liu Yang"),
        ...pick('.o_form_view div[name="law_firm_id"]', "Shenzhen Zhengyi Law Firm"),
        ...pick('.o_form_view div[name="court_id"]', "Shenzhen Futian District People's Court"),
        { trigger: ".o_form_view .o_form_button_save", run: "click" },
        // The lawyer letter, from the lawyer engaged.
        { trigger: '.o_form_view:not(.o_form_dirty) button[name="action_draft_lawyer_letter"]', run: "click" },
        { trigger: '.o_form_view div[name="kind"]:contains("律师函"), .o_form_view div[name="kind"]:contains("Lawyer")',
          content: "the lawyer letter is open" },
        { trigger: ".o_breadcrumb .breadcrumb-item a:contains(LIT/)", run: "click" },
        // Evidence: the contract uploaded, the other required originals held offline by the lawyer.
        openTab("evidence"),
        { trigger: 'div[name="evidence_ids"] .o_data_row.text-danger:first .o_data_cell[name="name"]', run: "click" },
        { trigger: '.modal div[name="file_ids"] .o_field_x2many_list_row_add a', run: "click" },
        upload('.modal div[name="file_ids"] .o_data_row', "sales-contract.pdf", "%PDF-1.4 signed sales contract"),
        { trigger: '.modal div[name="file_ids"] .o_data_row .o_field_binary .o_clear_file_button',
          content: "the file is uploaded" },
        ...saveDialog,
        ...[1, 2, 3].flatMap(() => [
            { trigger: 'div[name="evidence_ids"] .o_data_row.text-danger:first .o_data_cell[name="name"]',
              run: "click" },
            { trigger: '.modal div[name="held_offline"] input', run: "click" },
            ...saveDialog,
        ]),
        { trigger: 'div[name="evidence_ids"]:not(:has(.o_data_row.text-danger))',
          content: "every required item is provided" },
        // A freeze of the debtor's bank account.
        openTab("preservation"),
        addLine("preservation_ids"),
        { trigger: '.modal div[name="description"] input', run: "edit Account 6222 0200 8888 0001 at ICBC Shenzhen" },
        { trigger: '.modal div[name="amount"] input', run: "edit 50000" },
        ...saveDialog,
        // Filed.
        { trigger: '.o_form_view button[name="action_file"]', run: "click" },
        { trigger: '.o_form_view:not(:has(button[name="action_file"])) button[name="action_draft_court_document"]',
          content: "the case is filed" },
        // A hearing in two weeks.
        openTab("hearings"),
        addLine("hearing_ids"),
        { trigger: '.modal div[name="date"] input', run: `edit ${dateText(14, true)}` },
        { trigger: '.modal div[name="place"] input', run: "edit Futian court, room 5" },
        ...saveDialog,
        // The judgment, served today: its deadlines on the saved decision.
        openTab("decisions"),
        addLine("judgment_ids"),
        { trigger: '.modal div[name="name"] input', run: `edit ${JUDGMENT}` },
        { trigger: '.modal div[name="date"] input', run: `edit ${dateText()}` },
        { trigger: '.modal div[name="awarded_principal"] input', run: "edit 50000" },
        { trigger: '.modal div[name="service_date"] input', run: `edit ${dateText()}` },
        { trigger: '.modal div[name="performance_days"] input', run: "edit 10" },
        filled('.modal div[name="enforcement_deadline"]', "the enforcement deadline of the new decision"),
        ...saveDialog,
        { trigger: ".o_form_view .o_form_button_save", run: "click" },
        { trigger: `.o_form_view:not(.o_form_dirty) div[name="judgment_ids"] .o_data_row:contains("${JUDGMENT}")` +
            ' .o_data_cell[name="name"]', run: "click" },
        filled('.modal div[name="appeal_deadline"]', "the appeal deadline of the saved decision"),
        filled('.modal div[name="performance_due"]', "the performance deadline of the saved decision"),
        filled('.modal div[name="enforcement_deadline"]', "the enforcement deadline of the saved decision"),
        { trigger: ".modal .o_form_button_cancel, .modal .btn-close", run: "click" },
        // In the case's deadline list, and as activities of the case.
        { trigger: `${NO_MODAL} .o_form_view button[name="action_open_deadlines"]`, run: "click" },
        { trigger: `.o_list_view .o_data_row:contains("${JUDGMENT}") + .o_data_row:contains("${JUDGMENT}")`,
          content: "the decision's deadlines are listed" },
        { trigger: ".o_breadcrumb .breadcrumb-item a:contains(LIT/)", run: "click" },
        { trigger: `.o-mail-Activity:contains("${JUDGMENT}")`, content: "the deadlines are activities" },
        // Enforcement applied for, under the judgment.
        openTab("enforcement"),
        addLine("enforcement_ids"),
        ...pick('.modal div[name="judgment_id"]', JUDGMENT),
        { trigger: '.modal div[name="name"] input', run: "edit 2026粤0304执100号" },
        ...saveDialog,
        { trigger: ".o_form_view .o_form_button_save", run: "click" },
        // The statement of claim, drafted and opened.
        { trigger: '.o_form_view:not(.o_form_dirty) button[name="action_draft_court_document"]', run: "click" },
        { trigger: '.modal button[name="action_generate"]', run: "click" },
        { trigger: `${NO_MODAL} .o_form_view div[name="document_file"]`, content: "the statement of claim is open" },
        { trigger: ".o_form_view:not(:has(.o_error_dialog))", content: "without an access error" },
        { trigger: ".o_breadcrumb .breadcrumb-item a:contains(LIT/)", run: "click" },
        // The case summary, printed.
        { trigger: ".o_cp_action_menus button:has(.fa-cog)", run: "click" },
        { trigger: ".o-dropdown--menu button:has(.fa-print)", run: "click" },
        { trigger: '.o-dropdown--menu .o_menu_item:contains("Case Summary"), ' +
            '.o-dropdown--menu .o_menu_item:contains("案件摘要")', run: "click" },
        { trigger: "body:not(:has(.o_error_dialog)) .o_form_view", content: "the summary printed without error" },
    ];
}

/** A German case (Mahnverfahren): the payment order served on the debtor today, its objection period and the last day
 * to apply for the enforcement order on the decision, with the articles, and in the case's deadline list. */
function germanPaymentOrder() {
    return [
        openTab("decisions"),
        addLine("judgment_ids"),
        { trigger: '.modal div[name="kind"] select', run: 'select "payment_order"' },
        { trigger: '.modal:not(:has(div[name="performance_days"]))', content: "an order sets no performance period" },
        { trigger: '.modal div[name="name"] input', run: `edit ${PAYMENT_ORDER}` },
        { trigger: '.modal div[name="date"] input', run: `edit ${dateText()}` },
        { trigger: '.modal div[name="service_date"] input', run: `edit ${dateText()}` },
        { trigger: '.modal div[name="debtor_service_date"] input', run: `edit ${dateText()}` },
        filled('.modal div[name="debtor_appeal_deadline"]', "the debtor's objection deadline"),
        filled('.modal div[name="enforcement_deadline"]', "the last day to apply for the enforcement order"),
        { trigger: '.modal div[name="deadline_explanation"]:contains("ZPO §§ 699(1), 701")',
          content: "the explanation quotes the articles" },
        ...saveDialog,
        { trigger: ".o_form_view .o_form_button_save", run: "click" },
        { trigger: `.o_form_view:not(.o_form_dirty) div[name="judgment_ids"] .o_data_row:contains("${PAYMENT_ORDER}")`,
          content: "the payment order is saved on the case" },
        { trigger: '.o_form_view button[name="action_open_deadlines"]', run: "click" },
        { trigger: `.o_list_view .o_data_row:contains("${PAYMENT_ORDER}")`,
          content: "the enforcement order's last day is in the deadline list" },
    ];
}

// started on the German case's form (tests/test_ui_legal.py)
registry.category("web_tour.tours").add("acl_legal_payment_order_tour", { steps: germanPaymentOrder });

registry.category("web_tour.tours").add("acl_legal_tour", {
    url: "/odoo/action-account_collection_litigation.collection_customer_action_legal",
    steps: legalJourney,
});
