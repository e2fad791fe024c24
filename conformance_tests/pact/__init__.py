"""Running the official PACT conformance tool against this gateway (``run-official.sh``)."""
