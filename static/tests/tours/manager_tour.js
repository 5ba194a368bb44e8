/** The collection manager: the KPI dashboard with its cards and chart → the aging chart and pivot → a
 * statement of account in PDF → the daily escalation run now → the credit regrading. Run by tests/test_ui.py
 * as the demo user "manager". */
import { registry } from "@web/core/registry";
import { contains, screenshot } from "./tour_marks";

const MODULE = "account_collection_litigation";

function menu(xmlid) {
    return [
        { trigger: `.o_main_navbar [data-menu-xmlid="${MODULE}.collection_menu_root"]`, run: "click" },
        { trigger: `.o-dropdown--menu [data-menu-xmlid="${MODULE}.${xmlid}"]`, run: "click" },
    ];
}

registry.category("web_tour.tours").add("acl_manager_tour", {
    url: "/odoo",
    steps: () => [
        { trigger: ".o_navbar_apps_menu button", run: "click" },
        { trigger: '.o_app[data-menu-xmlid="account.menu_finance"]', run: "click" },
        // The KPI dashboard: figures on cards and a chart of the months, then the aging chart and pivot.
        ...menu("collection_kpi_dashboard_menu"),
        { trigger: ".o_collection_kpi_cards .card", content: "the KPI cards" },
        { trigger: ".o_collection_kpi_chart .bg-primary", content: "the monthly chart" },
        {
            trigger: `.o_breadcrumb${contains("Collection KPIs", { zh_CN: "催收 KPI" })}`,
            content: "a dashboard, not a blank New form",
        },
        screenshot("manager_dashboard"),
        { trigger: 'button[name="action_open_aging_graph"]', run: "click" },
        { trigger: ".o_graph_renderer canvas", content: "the aging chart" },
        screenshot("manager_aging_chart"),
        { trigger: ".o_breadcrumb .breadcrumb-item a", run: "click" },
        { trigger: 'button[name="action_open_aging_pivot"]', run: "click" },
        { trigger: ".o_pivot table .o_pivot_header_cell_closed, .o_pivot table .o_pivot_header_cell_opened", content: "the aging pivot" },
        screenshot("manager_aging_pivot"),
        // A statement of account of a customer, printed.
        ...menu("collection_customer_menu"),
        { trigger: ".o_searchview_input", run: "edit Huaxin && press Enter" },
        { trigger: '.o_kanban_record:contains("Huaxin Building Materials"), .o_data_row:contains("Huaxin Building Materials")', run: "click" },
        { trigger: ".o_form_view .o_cp_action_menus button", content: "the customer file is open" },
        screenshot("customer_file"),
        { trigger: ".o_form_view .o_cp_action_menus button", run: "click" },
        {
            trigger: `.o-dropdown--menu .dropdown-item${contains("Statement of Account", { zh_CN: "对账单" })}`,
            run: "click",
        },
        { trigger: ".o_form_view:not(:has(.o_error_dialog))", content: "the statement printed" },
        // The daily escalation, started now.
        ...menu("collection_customer_menu_run"),
        {
            trigger: `.o_notification${contains("Daily escalation", { zh_CN: "每日推进催收" })}`,
            content: "the escalation is started",
        },
        // The credit regrading from Credit Ratings.
        ...menu("collection_credit_rating_menu"),
        { trigger: '.o_list_view button[name="action_regrade_all"]', run: "click" },
        {
            trigger: `.o_notification${contains("Credit regrading done", { zh_CN: "信用重新评级完成" })}`,
            content: "every customer is rated again",
        },
        screenshot("manager_credit_ratings"),
    ],
});
