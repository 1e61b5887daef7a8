"""One module per real input format. Each reads and validates its input and does nothing more."""
