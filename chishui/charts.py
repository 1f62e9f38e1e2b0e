"""What every page with plotly charts shares (accountability's dashboards, villages' overview)."""


def figure_json(fig):
    """The figure as JSON safe to place inside a <script> element."""
    return fig.to_json().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
