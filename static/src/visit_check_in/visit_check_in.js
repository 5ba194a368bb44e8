import { Component, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

// How long the phone may look for its position before the visit is checked in without one.
const POSITION_TIMEOUT_MS = 20000;

/** The phone's position, or null when it has none or its user does not share it. */
function currentPosition() {
    return new Promise((resolve) => {
        if (!navigator.geolocation) {
            resolve(null);
            return;
        }
        navigator.geolocation.getCurrentPosition(
            ({ coords }) => resolve(coords),
            () => resolve(null),
            { enableHighAccuracy: true, timeout: POSITION_TIMEOUT_MS, maximumAge: 0 }
        );
    });
}

/** The visit form's "Check In Here" button: the visit is saved, then checked in on the server at the position
 * the phone reports; the server keeps the time and works out the distance from the customer's address. */
export class VisitCheckIn extends Component {
    static template = "account_collection_litigation.VisitCheckIn";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ locating: false });
    }

    async onClick() {
        const { record } = this.props;
        if (!(await record.save())) {
            return;
        }
        this.state.locating = true;
        try {
            const coords = await currentPosition();
            const position = coords
                ? { latitude: coords.latitude, longitude: coords.longitude, accuracy: coords.accuracy }
                : {};
            await this.orm.call(record.resModel, "action_check_in", [[record.resId]], position);
        } finally {
            this.state.locating = false;
        }
        await record.load();
    }
}

registry.category("view_widgets").add("collection_visit_check_in", { component: VisitCheckIn });
