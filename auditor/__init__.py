"""auditor: checks Vietnamese state agency websites for the information the law says they must publish."""

__version__ = "0.1.0"
__all__ = ["__version__"]
