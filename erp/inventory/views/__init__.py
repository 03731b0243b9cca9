"""Pages of the inventory documents (lists are generic ListPages, see lists_documents.py)."""
