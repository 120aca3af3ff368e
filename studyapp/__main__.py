"""`python -m studyapp` does what the `studyapp` command does."""

import sys

from studyapp.cli import main

sys.exit(main())
