"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import gc

from app import create_app

# Start-up makes a few hundred thousand objects that live as long as the process, and next to no garbage: the cycle
# collector's passes over them were a fifth of a command's start-up (bench/ledger_verify/README.md). So it waits
# until the app is built, and gc.freeze() then sets those objects aside for good, as the gc module advises for
# objects made once at start-up, so no later pass scans them again.
gc.disable()
try:
    app = create_app()
finally:
    gc.freeze()
    gc.enable()
