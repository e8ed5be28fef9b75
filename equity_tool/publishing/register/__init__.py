"""The public register: approved assessments the equity officer has published, readable by
anyone without signing in, with open data (issue 13).

`publication` holds the use cases (publish, withdraw), `read` the public read functions,
`private` what of an assessment the public may see, `documents` the public Word document,
`opendata` the CSV, JSON and Atom files, `limits` the search limit. No Flask here.
"""

from equity_tool.publishing.register.publication import (
    PUBLISHED,
    UNPUBLISHED,
    NotPublishable,
    publish,
    set_published,
    withdraw,
)

__all__ = ["PUBLISHED", "UNPUBLISHED", "NotPublishable", "publish", "set_published", "withdraw"]
