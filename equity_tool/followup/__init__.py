"""Follow-up after approval: the promises an assessment makes, and the progress on them."""
