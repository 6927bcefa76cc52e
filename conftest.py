# pytest's importlib mode names gateway/tests/*/test_x.py "gateway.tests...test_x" and would
# otherwise stand up the folder gateway/ as the package "gateway", hiding the real one
# (gateway/gateway/). Importing the real package first keeps it in place.
import gateway  # noqa: F401
