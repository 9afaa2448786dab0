"""Notebooks (package data), their execution, HTML, index and the incremental build (``govreport build``).

In the order a build uses them:

- ``build``        the build: ingest when data/raw changed, plan, run, stage, swap, record (its manifest)
- ``pages``        the pages a build publishes and their keys (what each page shows), failed pages unlinked
- ``execution``    the build's own kernel and papermill's run of one notebook (``NotebookFailed``)
- ``export``       an executed notebook as one offline, deterministic HTML page
- ``index``        the pages written without a notebook: index.html, the methods and changes pages
- ``record``, ``downloads``, ``changelog``, ``methods_page``   what the site says about itself and its data
- ``staging``      the next reports/ assembled beside the old one and swapped in at once
- ``params``       the notebooks' parameters, checked in one line
- ``notebooks/``   the two thin notebooks, the one copy (``govreport notebooks --copy DIR``)
"""
