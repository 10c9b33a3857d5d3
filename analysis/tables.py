"""Interactive tables (sort, search, pages) in the notebooks and in the HTML reports, offline.

Why: a class explores tables of hundreds of rows (mentions, quotes, removed lines); sorting
and searching them in the report page beats scrolling. itables renders pandas DataFrames with
DataTables. In offline mode (`connected=False`) the DataTables code is written into the
notebook output once, so the report pages fetch nothing from a CDN and work from the file
system. What it does not do: change the data; cells are escaped (`allow_html=False`), so an
article's `<script>` shows as text.

Call `interactive()` once, in the notebook's import cell; without itables installed, tables
stay plain pandas HTML.

    from analysis import tables
    tables.interactive()          # every DataFrame shown after this is interactive
    tables.show(corpus.quotes, caption="Les citations")
"""

from __future__ import annotations

# DataTables' interface in French (https://datatables.net/reference/option/language).
LANGUAGE_FR = {
    "search": "Rechercher :",
    "lengthMenu": "Afficher _MENU_ lignes",
    "info": "Lignes _START_ à _END_ sur _TOTAL_",
    "infoEmpty": "Aucune ligne",
    "infoFiltered": "(filtrées parmi _MAX_)",
    "zeroRecords": "Aucune ligne ne correspond",
    "emptyTable": "Table vide",
    "loadingRecords": "Chargement…",
}
MAX_BYTES = "256KB"  # larger tables are shown downsampled, and itables says so under the table


def interactive(max_bytes: str | int = MAX_BYTES) -> bool:
    """Show every DataFrame/Series as an interactive table from now on (offline). True if enabled."""
    try:
        import itables
        from itables import options
    except ImportError:
        return False
    options.maxBytes = max_bytes
    options.language = LANGUAGE_FR
    options.allow_html = False
    itables.init_notebook_mode(all_interactive=True, connected=False)
    return True


def show(df, caption: str | None = None, **kwargs) -> None:
    """Display one DataFrame as an interactive table (offline), whatever `interactive()` said."""
    try:
        import itables
    except ImportError:
        from IPython.display import display

        display(df)
        return
    if caption is not None:
        kwargs["caption"] = caption
    itables.show(df, connected=False, **kwargs)
