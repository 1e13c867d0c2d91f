"""Story grouping: articles about the same real-world event, grouped as they arrive.

`StoryGrouper.add` places one article at a time (constant cost, bounded
memory); `group` runs it over an iterable. Near-duplicates and wire copies
are flagged with `duplicate_of`; a page date contradicted by the text or by
its story is reported in `date_conflict` without splitting the story.
`events` answers a smaller question for the few articles a user names: one
story, unless some are plainly about another event.
"""

from counterpoint.stories.events import events
from counterpoint.stories.grouping import Assignment, StoryGrouper, StoryInput, group

__all__ = ["Assignment", "StoryGrouper", "StoryInput", "events", "group"]
