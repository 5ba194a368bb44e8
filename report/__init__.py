from . import collection_case_deadline
from . import collection_workload_report
from . import collection_statement
from . import collection_aging_report
from . import collection_kpi_dashboard
