"""The local web app (`counterpoint serve`): the store's stories, speakers and articles in a browser.

`counterpoint.web.app.create_app` builds it; this package imports nothing heavy
itself, so the command line starts without loading the web stack.
"""
