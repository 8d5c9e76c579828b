"""csplan's message catalogs: ``messages.pot`` (every fixed text of the documents, extracted
from the code and templates with ``babel.cfg``) and one ``<lang>/LC_MESSAGES/messages.po`` per
language. Read by ``csplan.views.words``; see its docstring for how to extract and translate.
"""
