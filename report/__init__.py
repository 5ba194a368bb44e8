from . import collection_case_deadline
