"""Every Celery task of the verification app, registered under verification.tasks.*.

Task bodies live beside the code they drive; this module only gathers them so
autodiscovery finds them and the beat schedule in settings can name them.
Tasks are thin: they take ids, re-fetch, return quietly when the work is done
or moved on, and call a transition or model function.
"""

from verification.capture import capture_evidence, reverify_stored_files  # noqa: F401
from verification.intake import run_intake_batch  # noqa: F401
from verification.queue_tasks import (  # noqa: F401
    age_priorities,
    escalate_overdue,
    expire_leases,
    reconcile,
    rereview_claim,
)
from verification.webhooks import deliver_webhook  # noqa: F401
