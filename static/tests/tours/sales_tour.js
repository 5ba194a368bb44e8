/** A sales rep (an internal user with Contacts only) opens customers and sees their collection badge, and has
 * no way into collection files, cases, the worklist or the stage setup. Run by tests/test_ui.py as "sales". */
import { registry } from "@web/core/registry";
import { contains, screenshot } from "./tour_marks";

function openCustomer(name, badge, translations, shot) {
    return [
        { trigger: ".o_searchview_input", run: `edit ${name} && press Enter` },
        { trigger: `.o_kanban_record:contains("${name}")`, run: "click" },
        {
            trigger: `.o_form_view div[name="collection_status"] .badge${contains(badge, translations)}`,
            content: `${name} shows "${badge}"`,
        },
        screenshot(shot),
        {
            trigger: '.o_form_view:not(:has(button[name="action_open_collection_file"]))',
            content: "no way into the collection file",
        },
        { trigger: ".o_breadcrumb .breadcrumb-item a", run: "click" },
        { trigger: ".o_searchview .o_facet_remove", run: "click" },
    ];
}

registry.category("web_tour.tours").add("acl_sales_tour", {
    url: "/odoo/action-base.action_partner_form",
    steps: () => [
        { trigger: ".o_navbar_apps_menu button", run: "click" },
        { trigger: ".o-dropdown--menu .o_app", content: "the apps the sales rep has" },
        {
            trigger: 'body:not(:has([data-menu-xmlid="account.menu_finance"]))',
            content: "no Invoicing menu, so no Collections, Legal, worklist or stage setup",
        },
        { trigger: ".o_navbar_apps_menu button", run: "click" },
        ...openCustomer("Huaxin Building Materials", "Overdue", { zh_CN: "逾期" }, "sales_badge_overdue"),
        ...openCustomer("Golden Bridge Trading", "In litigation", { zh_CN: "诉讼中" }, "sales_badge_litigation"),
    ],
});
