"""Where the example DPA schemas ship (a baseline and five kinds of vendor)."""

from scanner.resources import data_dir

EXAMPLE_DPAS = data_dir("schemas") / "dpa-examples"
