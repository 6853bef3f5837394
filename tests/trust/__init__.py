# Shared harnesses for the trust checks (hostile files, tampered links, disclosure, pages):
# used by the tests in tests/ and by benchmarks/trust.py, so both count the same cases.
"""Trust harnesses (importable as tests.trust)."""
