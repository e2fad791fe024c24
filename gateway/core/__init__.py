"""The transport-free core every layer builds on.

Errors with stable reasons (no transport codes), hardened JSON and XML parsing, the
canonical :class:`~gateway.core.model.Declaration`, the translation report and JSON
patch. The core imports nothing else of the project and no transport library (no grpc):
``mappings`` and ``signing`` import only this, and a contract test keeps it so.
"""
