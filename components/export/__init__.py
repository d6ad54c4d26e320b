"""Static export for journal clubs: figures that carry their context, a deck, CSVs, a ZIP.

No Streamlit here (ruff bans it): the dashboard's download buttons and the command line
``python -m components.export --out DIR`` call the same functions, so a download always
matches what the pages show (both start from the chart registry).

- render.py: kaleido and one reused Chromium (PNG, SVG, PDF), figures rendered in batches,
  the images kept per process (ImageCache);
- dress.py: a figure with its sources, data version and export date printed in it;
- deck.py: the journal-club deck (python-pptx);
- files.py: every file of a view, and a ZIP of them;
- cli.py: the command line.

Nothing here is imported by a page's run: the download buttons import these modules when
they are clicked, so kaleido and python-pptx never slow a page down.
"""
