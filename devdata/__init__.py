"""Demo and benchmark data (``manage.py demo``, ``manage.py benchmark``): not product code.
Everything here builds its rows through the product's own services."""
