// Project-wide behaviour; keep small.
