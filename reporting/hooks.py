"""What the indicators call after a publication commits (settings PUBLISHED_HOOKS)."""

from reporting import services
from reporting.selectors.published import published_years


def rebuild_results_files(*, year: int) -> None:
    """A publication or revision of `year` changes the results file of that year and of every later
    published year (a file shows every published year up to its own): each is built again by the
    worker, and the public link serves it once it is done."""
    for each in published_years():
        if each >= year:
            services.start_export(year=each, user=None, reason=services.REBUILD)
