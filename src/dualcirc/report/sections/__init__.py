"""The report's sections, one module per family of measures (each registers itself with ``@section``)."""
