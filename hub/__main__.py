"""`python -m hub` is `hris-hub`."""

from hub.cli import main

main(prog_name="hris-hub")
