"""Detection logic of the compliance rules: small functions over the scan result."""
