/** Field visits from the collector's phone, run by tests/test_ui_visits.py as the demo user "collector" in a
 * phone-sized touch browser whose position the test sets. */
import { registry } from "@web/core/registry";
import { contains, screenshot } from "./tour_marks";

const CUSTOMER = "Huaxin Building Materials";
const CARD = `.o_kanban_record:contains("${CUSTOMER}")`;

/** My Worklist's card → "Visit": the visit planned for today → "Check In Here" (the phone's position) → at the
 * customer's address → the outcome, a promise to pay → the visit done. */
registry.category("web_tour.tours").add("acl_field_visit_tour", {
    steps: () => [
        { trigger: `${CARD} button[name="action_work_visit"]`, content: "plan a visit from the worklist", run: "click" },
        { trigger: '.o_form_view div[name="purpose"] input', run: "edit Collect the signed cheque" },
        { trigger: ".o_form_view .o_collection_visit_check_in", content: "on site: check in", run: "click" },
        {
            trigger: `.o_form_view div[name="position_note"]${contains("At the customer's address", {
                zh_CN: "在客户地址",
            })}`,
            content: "the phone's position is at the customer's address",
            run() {
                this.anchor.scrollIntoView({ block: "center" });
            },
        },
        screenshot("visit_phone_on_site"),
        { trigger: '.o_form_view button[name="action_log_outcome"]', run: "click" },
        { trigger: '.modal div[name="outcome"] select', run: 'select "promise"' },
        { trigger: '.modal div[name="note"] textarea', run: "edit Met Mr Wang: the cheque is signed on Friday." },
        { trigger: '.modal button[name="action_confirm"]', run: "click" },
        {
            trigger: `body:not(:has(.modal)) .o_form_view div[name="outcome"]${contains("Promise to pay", {
                zh_CN: "付款承诺",
            })}`,
            content: "the visit is closed by the promise logged on site",
        },
    ],
});

/** Today's visits as cards → the customer's, checked in → "Have the Balance Signed Here" → the customer's collection
 * page (in the customer's language) → role, figures, name and signature. */
registry.category("web_tour.tours").add("acl_visit_balance_tour", {
    steps: () => [
        { trigger: `.o_collection_visit_kanban ${CARD}`, content: "today's visits on the phone" },
        screenshot("visit_phone_list"),
        { trigger: `.o_collection_visit_kanban ${CARD}`, run: "click" },
        { trigger: '.o_form_view button[name="action_sign_balance"]', run: "click" },
        { content: "the customer's role", trigger: "input[name=role]", run: "edit Finance manager" },
        { content: "review the figures", trigger: ".o_collection_confirm", run: "click" },
        // the review page posts the figures and opens the signature dialog: slow on a loaded machine
        { content: "the customer starts the name", trigger: ".o_web_sign_name_input", timeout: 30000, run: "edit W" },
        // the first letter opens the signature area; the name is drawn in it once it is there
        {
            content: "the customer types the name",
            trigger: "body:has(canvas.o_web_sign_signature) .o_web_sign_name_input",
            run: "edit Wang Lei",
        },
        { content: "and signs", trigger: ".o_portal_sign_submit:enabled", run: "click" },
        { content: "the balance is confirmed", trigger: ".alert-success" },
    ],
});
