"""The command line's one error type, in its own module: the commands raise it and
studyapp/cli/__init__.py (which imports every command) catches it, so neither imports the other."""


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""
