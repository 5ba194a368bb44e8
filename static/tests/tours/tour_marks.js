/** Shared by the addon's tours: texts checked in the user's language, and the marks where
 * `scripts/dev screenshots` takes a picture (tests/test_ui.py, TourCase). */
import { user } from "@web/core/user";

/** `:contains("…")` for a text the tour checks: `english`, or its translation in `translations` (keyed by
 * Odoo language code) for a user in another language; "" (the text is not checked) in a language it has none
 * for. So a tour runs as well for a Chinese user as for an English one. */
export function contains(english, translations = {}) {
    const lang = (user.lang || "en-US").replace("-", "_");
    const text = lang.startsWith("en") ? english : translations[lang];
    return text ? `:contains("${text}")` : "";
}

/** A step that marks the screen as a README screenshot named `name`. It costs nothing in a normal test run; when
 * the test takes screenshots (ACL_SCREENSHOTS_DIR, see tests/test_ui.py) it waits until the picture is saved. */
export function screenshot(name) {
    return {
        trigger: "body",
        content: `screenshot ${name}`,
        async run() {
            if (!window.aclScreenshots) {
                return;
            }
            const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
            await pause(600); // transitions and charts settle
            console.log(`acl-screenshot:${name}`);
            for (let waited = 0; window.aclScreenshotTaken !== name && waited < 30000; waited += 100) {
                await pause(100);
            }
        },
    };
}
