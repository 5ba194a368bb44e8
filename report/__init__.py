from . import collection_workload_report
