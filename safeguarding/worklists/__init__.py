"""Work lists: what each member of staff has to do, gathered for their home page.

Each app that gives people work registers a provider here from its ``AppConfig.ready``
(decision 0014: the home page sits above every app, the apps below it never import it).
"""
