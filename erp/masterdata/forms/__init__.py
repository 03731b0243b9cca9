"""Forms of master data pages: they parse and check input; services save."""
