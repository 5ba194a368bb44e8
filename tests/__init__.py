from . import test_install
from . import test_stages
from . import test_calendar
from . import test_payments
from . import test_pauses
from . import test_escalation_run
from . import test_access_rights
from . import test_interest
