from . import collection_pause_wizard
from . import collection_stage_wizard
from . import collection_interest_invoice_wizard
from . import collection_letter_wizard
from . import collection_contact_wizard
from . import collection_reassign_wizard
