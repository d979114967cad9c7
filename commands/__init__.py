"""The `tco` command's subcommands, a module each; `cli.py` parses the arguments and calls them.

compare.py, report.py, profile.py and pricing.py run the subcommands of those names; inputs.py reads
what they share (a date, a profile or account file, a scenario set, the checklist's answers),
output.py writes a file, errors.py holds the exit statuses and the error a user is shown.
"""

__all__: list[str] = []
