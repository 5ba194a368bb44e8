from . import collection_statement
from . import collection_aging_report
