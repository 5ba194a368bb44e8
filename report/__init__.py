from . import collection_statement
