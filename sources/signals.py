"""What a source write announces to apps above it.

``sources`` imports nothing from ``verification``; whoever needs to know that
a grade changed (the webhook outbox) connects here. Receivers run inside the
grading transaction, so what they write commits or rolls back with it.
"""

from django.dispatch import Signal

# kwargs: source, grade (the SourceGrade row), previous (the grade before, or None), actor
source_graded = Signal()
