/** The legal manager's and the accountant's journey to a write-off, four eyes at each step, then the sales rep's
 * view of the customer. Run by tests/test_ui_write_off.py, each tour as its demo user, on the case of
 * "Harbour Lights Electronics" (128,000 owed; the Supervisor level of the authority matrix decides). */
import { registry } from "@web/core/registry";

const CUSTOMER = "Harbour Lights Electronics";
const NO_DIALOG = "body:not(:has(.modal))";

function statusIs(value, what) {
    return {
        trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value="${value}"]`,
        content: what,
    };
}

const tours = registry.category("web_tour.tours");

// Zhou Qiang (legal manager) proposes the stop-loss, and cannot approve his own proposal.
tours.add("acl_write_off_propose_tour", {
    steps: () => [
        { trigger: `.o_form_view:contains("${CUSTOMER}") button[name="action_propose_stop_loss"]`, run: "click" },
        { trigger: `${NO_DIALOG} .o_form_view button[name="action_approve_stop_loss"]`, run: "click" },
        {
            trigger: '.o_error_dialog:contains("a second person decides it"):contains("Legal Manager"):contains("Supervisor")',
            content: "four eyes: the refusal names the group and the level of the authority matrix a second person holds",
        },
        { trigger: ".modal .o-default-button", run: "click" },
        {
            trigger: `${NO_DIALOG} .o_form_view button[name="action_approve_stop_loss"]`,
            content: "the stop-loss still waits for a second person",
        },
    ],
});

// Wu Fang (accountant, legal manager at the Supervisor level) approves it.
tours.add("acl_write_off_stop_loss_approve_tour", {
    steps: () => [
        { trigger: `.o_form_view:contains("${CUSTOMER}") button[name="action_approve_stop_loss"]`, run: "click" },
        {
            trigger: `${NO_DIALOG} .o_form_view button[name="action_write_off"]`,
            content: "the stop-loss is approved: the case may be written off",
        },
    ],
});

// Zhou Qiang requests the write-off: above the company's limit and beyond his authority, it waits for Wu Fang.
tours.add("acl_write_off_request_tour", {
    steps: () => [
        { trigger: `.o_form_view:contains("${CUSTOMER}") button[name="action_write_off"]`, run: "click" },
        { trigger: '.modal div[name="reason"] select', run: 'select "termination"' },
        { trigger: '.modal div[name="tax_path"] select', run: 'select "court_termination"' },
        { trigger: '.modal div[name="note"] textarea', run: "edit Asset search found nothing; enforcement ended." },
        { trigger: '.modal button[name="action_write_off"]', run: "click" },
        statusIs("to_approve", "the write-off waits for a second approval"),
        { trigger: '.o_form_view div[name="approver_id"]:contains("Wu Fang")', content: "Wu Fang is asked" },
        {
            trigger: '.o_form_view:not(:has(button[name="action_approve"]))',
            content: "the requester has no Approve button",
        },
    ],
});

// Wu Fang approves it from the case, then checks the entry and its journal items.
tours.add("acl_write_off_approve_tour", {
    steps: () => [
        { trigger: `.o_form_view:contains("${CUSTOMER}") button[name="action_open_write_offs"]`, run: "click" },
        { trigger: `.o_list_view .o_data_row:contains("${CUSTOMER}") td.o_data_cell`, run: "click" },
        { trigger: '.o_form_view button[name="action_approve"]', run: "click" },
        statusIs("posted", "approved at the Supervisor level: posted"),
        { trigger: `${NO_DIALOG} .o_form_view button[name="action_open_entry"]`, run: "click" },
        statusIs("posted", "the journal entry is posted"),
        { trigger: '.o_breadcrumb:contains("Write-off WO/")', content: "the entry of the write-off" },
        // without "Show Full Accounting Features" the entry form hides its lines: the write-off lists them
        { trigger: '.o_breadcrumb .breadcrumb-item a:contains("WO/")', run: "click" },
        { trigger: '.o_form_view button[name="action_open_entry_lines"]', run: "click" },
        { trigger: '.o_list_view .o_data_row:contains("Bad Debts")', content: "the bad-debt debit" },
        { trigger: '.o_list_view .o_data_row:contains("Receivable")', content: "the receivable credit" },
    ],
});

// Ma Jun (sales rep) sees the customer written off, with no way into the case or the write-off.
tours.add("acl_write_off_sales_tour", {
    steps: () => [
        { trigger: ".o_searchview_input", run: `edit ${CUSTOMER} && press Enter` },
        {
            trigger: `.o_kanban_record:contains("${CUSTOMER}") .badge:contains("Written off")`,
            content: "the badge on the customer card",
        },
        { trigger: `.o_kanban_record:contains("${CUSTOMER}")`, run: "click" },
        {
            trigger: '.o_form_view div[name="collection_status"] .badge:contains("Written off")',
            content: "the badge on the customer",
        },
        {
            trigger: '.o_form_view:not(:has(button[name="action_open_legal_cases"])):not(:has(button[name="action_open_collection_file"]))',
            content: "no way into the case, the write-off or the collection file",
        },
    ],
});
