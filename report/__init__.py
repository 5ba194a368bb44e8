from . import collection_case_deadline
from . import collection_workload_report
