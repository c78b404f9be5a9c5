"""The WSGI application that gunicorn (and runserver) serve.

Once the portal is loaded, its code (the modules of every page, the URL conf, the settings,
the models' metadata: about 120 000 objects) never becomes garbage. Python's full collection
would still walk all of it every few dozen requests of a busy worker: 40–80 ms on this
project's machine, added to whichever request happened to trigger it (docs/performance.md,
change 17). `gc.freeze()` moves what exists now out of the collector's sight; what requests
create afterwards is collected as before.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()


def settle_loaded_code() -> None:
    """Import every view (through the URL conf) and leave what is loaded out of collection."""
    get_resolver().url_patterns  # noqa: B018 - imports the views, forms and their modules
    gc.freeze()


settle_loaded_code()
