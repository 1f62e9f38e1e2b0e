"""Publication (A6): the weekly, monthly and quarterly dashboards, the counts they share
(``measures``), the summary tables that serve them at scale, plotly charts and exports."""
