"""The one markdown dialect of Equity Tool, for pages, the word diff and Word alike.

js-default is CommonMark without raw HTML and with link targets checked, so nobody whose text
passes through it can inject markup or script. Text people type (answers, comments, notes)
keeps a single line break as a break, as people who never heard of markdown expect; a
questionnaire's own texts are wrapped at any width in their files, so there a single line
break is only a space.
"""

from markdown_it import MarkdownIt

AUTHORED = MarkdownIt("js-default")
TYPED = MarkdownIt("js-default", {"breaks": True})
