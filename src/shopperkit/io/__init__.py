"""Everything at the boundary: the one converter, schemas, readers and writers."""
