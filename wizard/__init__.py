from . import collection_pause_wizard
from . import collection_stage_wizard
from . import collection_interest_invoice_wizard
from . import collection_case_open_wizard
from . import collection_limitation_watch
from . import collection_case_evidence_pack
from . import collection_letter_wizard
